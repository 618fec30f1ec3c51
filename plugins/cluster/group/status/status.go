// Package status implements `kubectl tko cluster group status`.
package status

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `group status`.
type Options struct {
	common.Options
	Name     string
	Problems bool
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams)}
	o.Output = cli.NewOutputFlags()
	o.Output.Objects = false
	cmd := &cobra.Command{
		Use:   "status [GROUP]",
		Short: "What needs a hand in cluster groups: members without Apps, Apps failing, conflicting groups",
		Long: cmdutil.LongDesc(`
			Check cluster groups (one, or every group): a row per intent and member
			with kapp-controller's state of its App; members missing their App
			(joined after the last sync), Apps failing with kapp-controller's own
			error message, members without a kubeconfig Secret, Apps left behind by
			clusters that left, and clusters that two groups select with conflicting
			intents, each with the fix. Exit 1 when a row needs a hand; exit 3 when
			kapp-controller does not run in the management cluster.`),
		Example: cmdutil.Examples(`
			# Every group, problems only
			kubectl tko cluster group status --problems

			# One group, as JSON
			kubectl tko cluster group status prod -o json`),
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Problems, "problems", false, "Only the rows that need a hand.")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the group, when named.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Name = args[0]
	}
	return nil
}

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints the rows.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect(true)
	if err != nil {
		return err
	}
	gs, err := groups.Select(ctx, c.Dynamic, o.Name)
	if err != nil {
		return err
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return err
	}
	apps, err := groups.ReadApps(ctx, c, o.Name)
	if err != nil {
		return err
	}
	// Conflicts are between groups: every group is read for them.
	all, err := groups.List(ctx, c.Dynamic)
	if err != nil {
		return err
	}
	rows, err := groups.Status(e, gs, apps)
	if err != nil {
		return err
	}
	if o.Name != "" {
		for _, cf := range groups.Conflicts(e, all) {
			if cf.Groups[0] == o.Name || cf.Groups[1] == o.Name {
				rows = append(rows, groups.Row{Group: cf.Groups[0] + "," + cf.Groups[1], Cluster: cf.Cluster, Intent: cf.Intents[0] + "," + cf.Intents[1], State: groups.StateConflict, Message: cf.Reason,
					Fix: fmt.Sprintf("detach one of them, or relabel the cluster so that only one of groups %s and %s selects it", cf.Groups[0], cf.Groups[1])})
			}
		}
	}
	problems := 0
	shown := []groups.Row{}
	for _, r := range rows {
		if r.Problem() {
			problems++
		}
		if !o.Problems || r.Problem() {
			shown = append(shown, r)
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, shown); err != nil {
			return err
		}
	} else if len(shown) > 0 {
		t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "GROUP"}, {Header: "CLUSTER"}, {Header: "INTENT"}, {Header: "STATE"}, {Header: "MESSAGE"}, {Header: "FIX"}}}
		w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
		for _, r := range shown {
			w.Write([]string{r.Group, r.Cluster, cmdutil.OrDash(r.Intent), r.State, cmdutil.OrDash(r.Message), cmdutil.OrDash(r.Fix)})
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if o.Output.Human() {
		if len(gs) == 0 {
			fmt.Fprintln(o.Streams.ErrOut, "No cluster groups found")
		} else {
			fmt.Fprintf(o.Streams.ErrOut, "%d row(s) need a hand\n", problems)
		}
	}
	if problems > 0 {
		return explain.Failure()
	}
	return nil
}
