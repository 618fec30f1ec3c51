// Package list implements `kubectl tko cluster list`.
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Options holds the flags and state of `cluster list`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	AllNamespaces     bool
	Selector          string
	IncludeManagement bool
	Fleet             *cli.FleetFlags

	namespace string
	sel       fleet.Selection
	contexts  []string // fleet mode when non-empty
	raw       bool     // keep the objects as JSON (-o json|yaml on one context)
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags(), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List workload clusters, on one management cluster or across a fleet",
		Long: cmdutil.LongDesc(`
			List the Cluster API workload clusters of a management cluster: class,
			Kubernetes version, control-plane and worker readiness and an overall status
			(Available, Provisioning, Degraded, Failed, Deleting, Paused).

			With --all-contexts, or --context a,b,c, every management cluster in the
			kubeconfig is listed concurrently and a CONTEXT column is added; a context
			that cannot be reached shows as a row with its error (exit code 1 only
			with --strict).`),
		Example: cmdutil.Examples(`
			# Clusters in the current namespace
			kubectl tko cluster list

			# Everywhere, with TKR, plan, endpoint and message
			kubectl tko cluster list -A -o wide

			# Every management cluster in the kubeconfig
			kubectl tko cluster list -A --all-contexts

			# Names only, to feed another command
			kubectl tko cluster list -A -o name`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List clusters in all namespaces.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Label selector, e.g. -l tkg.tanzu.vmware.com/cluster-plan=prod.")
	cmd.Flags().BoolVar(&o.IncludeManagement, "include-management-cluster", false, "Also list the management cluster's own Cluster object.")
	o.Fleet.AddContextFlags(cmd, "context-timeout")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete resolves the fleet of contexts.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	o.Factory = f
	sel, err := o.Fleet.Selection(f)
	if err != nil {
		return err
	}
	o.sel = sel
	if !sel.ContextFleet() {
		return nil
	}
	raw, err := f.RawConfig()
	if err != nil {
		return err
	}
	o.contexts, err = fleet.ContextNames(raw, sel)
	return err
}

// resolveNamespace reads the namespace to list (-n or the context's); a
// fleet view resolves it per context.
func (o *Options) resolveNamespace() error {
	if o.AllNamespaces {
		return nil
	}
	ns, err := o.Factory.Namespace()
	if err != nil && len(o.contexts) == 0 {
		return err
	}
	o.namespace = ns
	return nil
}

// Validate checks flag combinations.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	return nil
}

// Page is what one context returned.
type Page struct {
	Clusters []capi.Cluster
	Objects  []*unstructured.Unstructured
	Raw      []json.RawMessage // with -o json|yaml on one context: the objects as the server sent them
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	if err := o.resolveNamespace(); err != nil {
		return err
	}
	keepObjects := !o.Output.Human()
	if len(o.contexts) == 0 {
		if keepObjects {
			// -o json and yaml are printed from the bytes the server sent:
			// thousands of Clusters are not held as maps.
			o.raw = o.Output.RawList()
			page, err := o.list(ctx, o.Factory, true, nil)
			if err != nil {
				return err
			}
			if o.raw {
				return o.Output.PrintRawList(o.Streams.Out, page.Raw)
			}
			return o.Output.PrintObjects(o.Streams.Out, page.Objects, false)
		}
		// Rows are printed page by page as they arrive.
		rows := o.table(false).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
		now := time.Now()
		if _, err := o.list(ctx, o.Factory, false, func(c capi.Cluster) { rows.Write(o.row("", c, false, now)) }); err != nil {
			return err
		}
		if err := rows.Flush(); err != nil {
			return err
		}
		o.reportEmpty(rows.Rows)
		return nil
	}
	results := fleet.Run(ctx, o.contexts, o.sel.Options, func(ctx context.Context, name string) (Page, error) {
		return o.list(ctx, o.Factory.ForContext(name), keepObjects, nil)
	})
	pages := map[string]Page{}
	failures := map[string]error{}
	var order []string
	for _, r := range results {
		order = append(order, r.Target)
		if r.Err != nil {
			failures[r.Target] = r.Err
			continue
		}
		pages[r.Target] = r.Value
	}
	if keepObjects {
		var all []*unstructured.Unstructured
		for _, name := range order {
			for _, obj := range pages[name].Objects {
				// The context is recorded on each object so merged output stays traceable.
				anns := obj.GetAnnotations()
				if anns == nil {
					anns = map[string]string{}
				}
				anns[kube.AnnotationContext] = name
				obj.SetAnnotations(anns)
				all = append(all, obj)
			}
		}
		for _, name := range order {
			if err := failures[name]; err != nil {
				msg, _ := explain.Explain(err)
				fmt.Fprintf(o.Streams.ErrOut, "warning: context %s: %s\n", name, msg)
			}
		}
		if err := o.Output.PrintObjects(o.Streams.Out, all, false); err != nil {
			return err
		}
	} else if err := o.printTable(pages, failures, order); err != nil {
		return err
	}
	if o.sel.Strict && len(failures) > 0 {
		return &explain.SilentError{Code: explain.ExitFailure}
	}
	return nil
}

// list lists the clusters of one context; with emit set, each cluster is
// handed over as its page arrives instead of being kept.
func (o *Options) list(ctx context.Context, f *cli.Factory, keepObjects bool, emit func(capi.Cluster)) (Page, error) {
	c, err := f.Connect(capi.Requirement)
	if err != nil {
		return Page{}, err
	}
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return Page{}, err
	}
	rest, err := kube.NewREST(c.Config)
	if err != nil {
		return Page{}, err
	}
	opts := capi.ListOptions{Selector: o.Selector, IncludeManagement: o.IncludeManagement,
		TKCVersion: func() (string, bool) { return f.ServedVersion(capi.TKRGroup, "tanzukubernetesclusters") }}
	if !o.AllNamespaces {
		opts.Namespace = o.namespace
	}
	switch {
	case keepObjects && o.raw:
		opts.Mode = capi.ListRaw
	case keepObjects:
		opts.Mode = capi.ListObjects
	}
	var page Page
	err = capi.ListClusters(ctx, rest, c.Dynamic, api, opts, func(l capi.Listed) {
		if emit != nil {
			emit(l.Cluster)
			return
		}
		page.Clusters = append(page.Clusters, l.Cluster)
		switch {
		case l.Raw != nil:
			page.Raw = append(page.Raw, l.Raw)
		case l.Object != nil:
			page.Objects = append(page.Objects, l.Object)
		}
	})
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

func (o *Options) table(fleetView bool) *cmdutil.Table {
	t := &cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	if o.AllNamespaces || fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "NAMESPACE"})
	}
	t.Columns = append(t.Columns,
		cmdutil.Column{Header: "NAME"}, cmdutil.Column{Header: "CLASS"}, cmdutil.Column{Header: "VERSION"},
		cmdutil.Column{Header: "CONTROLPLANE"}, cmdutil.Column{Header: "WORKERS"}, cmdutil.Column{Header: "STATUS"}, cmdutil.Column{Header: "AGE"},
		cmdutil.Column{Header: "TKR", Wide: true}, cmdutil.Column{Header: "PLAN", Wide: true}, cmdutil.Column{Header: "ROLE", Wide: true},
		cmdutil.Column{Header: "ENDPOINT", Wide: true}, cmdutil.Column{Header: "MESSAGE", Wide: true})
	return t
}

func (o *Options) row(contextName string, c capi.Cluster, fleetView bool, now time.Time) []string {
	var row []string
	if fleetView {
		row = append(row, contextName)
	}
	if o.AllNamespaces || fleetView {
		row = append(row, c.Namespace)
	}
	return append(row, c.Name, cmdutil.OrDash(c.Class), cmdutil.OrDash(c.Version), c.ControlPlane.String(), c.Workers.String(), c.Status,
		duration.HumanDuration(now.Sub(c.Created)), cmdutil.OrDash(c.TKR), cmdutil.OrDash(c.Plan), c.Role, cmdutil.OrDash(c.Endpoint), cmdutil.OrDash(c.Message))
}

func (o *Options) reportEmpty(rows int) {
	if rows > 0 || o.Output.NoHeaders {
		return
	}
	where := fmt.Sprintf("in namespace %q", o.namespace)
	if o.AllNamespaces {
		where = "in any namespace"
	}
	fmt.Fprintf(o.Streams.ErrOut, "No clusters found %s.\n", where)
}

// printTable prints a fleet view: contexts in the order given, a failed
// context as a row with its error.
func (o *Options) printTable(pages map[string]Page, failures map[string]error, order []string) error {
	rows := o.table(true).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	now := time.Now()
	for _, name := range order {
		if err := failures[name]; err != nil {
			msg, _ := explain.Explain(err)
			status := "Error"
			if !o.Output.Wide() {
				// Without -o wide the MESSAGE column is hidden; keep the cause visible.
				status += ": " + msg
			}
			rows.Write([]string{name, "", "", "", "", "", "", status, "", "", "", "", "", msg})
			continue
		}
		for _, c := range pages[name].Clusters {
			rows.Write(o.row(name, c, true, now))
		}
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	o.reportEmpty(rows.Rows)
	return nil
}
