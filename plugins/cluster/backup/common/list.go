package common

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
)

// Lister is the shape of every list verb: Velero's objects of one
// resource on the current cluster or on each cluster of a fleet, as a
// table (with a CLUSTER column in a fleet) or as objects.
type Lister struct {
	VeleroOptions
	Fleet         *cli.FleetFlags
	AllNamespaces bool
	sel           fleet.Selection
}

// NewLister returns the options of a list verb.
func NewLister(f *cli.Factory, streams genericiooptions.IOStreams) Lister {
	return Lister{VeleroOptions: NewVeleroOptions(f, streams), Fleet: cli.NewFleetFlags()}
}

// AddFlags registers --velero-namespace, -A, -o and the fleet flags.
func (l *Lister) AddFlags(cmd *cobra.Command, what string) {
	l.VeleroOptions.AddFlags(cmd)
	cmd.Flags().BoolVarP(&l.AllNamespaces, "all-namespaces", "A", false, "List "+what+" of every namespace, not only --velero-namespace's (a NAMESPACE column says where).")
	AddFleetFlags(cmd, l.Fleet, "List "+what)
}

// Complete has nothing to resolve.
func (l *Lister) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o and the fleet flags.
func (l *Lister) Validate() error {
	if err := l.VeleroOptions.Validate(); err != nil {
		return err
	}
	var err error
	l.sel, err = l.Fleet.Selection(l.Factory)
	return err
}

// Listing is what a list verb shows: its resource, columns, a row per
// object and what to say when there is none.
type Listing struct {
	Resource schema.GroupVersionResource
	Columns  []cmdutil.Column
	Row      func(u *unstructured.Unstructured, now time.Time) []string
	// RowWithBackups, when set, is used instead of Row, with the backups of
	// the same target (read only for a table): a schedule's newest backup.
	RowWithBackups func(u *unstructured.Unstructured, now time.Time, backups []*backup.Backup) []string
	Empty          string
}

// listed is what a list verb read on one target.
type listed struct {
	objs    []*unstructured.Unstructured
	backups []*backup.Backup
}

// List reads and prints.
func (l *Lister) List(ctx context.Context, spec Listing) error {
	ns := l.VeleroNamespace
	if l.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	report, err := cli.RunFleet(ctx, l.Factory, l.sel, Requirements, l.Streams.ErrOut, func(ctx context.Context, t cli.Target) (listed, error) {
		list, err := t.Clients.Dynamic.Resource(spec.Resource).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return listed{}, err
		}
		out := listed{objs: make([]*unstructured.Unstructured, len(list.Items))}
		for i := range list.Items {
			out.objs[i] = &list.Items[i]
			if t.Name != "" {
				Annotate(out.objs[i], t.Name)
			}
		}
		if spec.RowWithBackups == nil || !l.Output.Human() || len(out.objs) == 0 {
			return out, nil
		}
		backups, err := t.Clients.Dynamic.Resource(backup.Backups).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return listed{}, fmt.Errorf("listing backups: %w", err)
		}
		for i := range backups.Items {
			b, err := backup.Parse[backup.Backup](&backups.Items[i])
			if err != nil {
				return listed{}, err
			}
			out.backups = append(out.backups, b)
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	results := report.Results
	if !l.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, r := range results {
			objs = append(objs, r.Value.objs...)
		}
		report.Warn(l.Streams.ErrOut)
		if err := l.Output.PrintObjects(l.Streams.Out, objs, false); err != nil {
			return err
		}
		return report.Exit()
	}
	fleetView := report.IsFleet()
	t := &cmdutil.Table{Columns: append([]cmdutil.Column{{Header: "CLUSTER", Hidden: !fleetView}, {Header: "NAMESPACE", Hidden: !l.AllNamespaces}}, spec.Columns...)}
	w := t.Writer(l.Streams.Out, l.Output.Wide(), l.Output.NoHeaders)
	now := time.Now()
	for i, r := range results {
		if r.Err != nil {
			w.Write([]string{r.Target, "", "Error: " + report.Message(i)})
			continue
		}
		for _, u := range r.Value.objs {
			var cells []string
			if spec.RowWithBackups != nil {
				cells = spec.RowWithBackups(u, now, r.Value.backups)
			} else {
				cells = spec.Row(u, now)
			}
			w.Write(append([]string{r.Target, u.GetNamespace()}, cells...))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 {
		where := "in namespace " + l.VeleroNamespace
		if l.AllNamespaces {
			where = "in any namespace"
		}
		fmt.Fprintf(l.Streams.ErrOut, "%s %s.\n", spec.Empty, where)
	}
	return report.Exit()
}

// ListCmd is what differs between the list verbs.
type ListCmd struct {
	Short, Long, Example string
	What                 string // "backups", for the fleet flags' help
	Listing              Listing
}

// NewListCmd returns a list verb.
func NewListCmd(f *cli.Factory, streams genericiooptions.IOStreams, spec ListCmd) *cobra.Command {
	o := &listVerb{Lister: NewLister(f, streams), listing: spec.Listing}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   spec.Short,
		Long:    cmdutil.LongDesc(spec.Long),
		Example: cmdutil.Examples(spec.Example),
		Args:    cmdutil.NoArgs,
		RunE:    cli.RunE(f, o),
	}
	o.AddFlags(cmd, spec.What)
	return cmd
}

type listVerb struct {
	Lister
	listing Listing
}

func (o *listVerb) Run(ctx context.Context) error { return o.List(ctx, o.listing) }
