// Package get implements `kubectl tko cluster group get`.
package get

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags of `group get`.
type Options struct {
	common.Options
	Name string
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Show a cluster group: its selector, its intents and its members",
		Long: cmdutil.LongDesc(`
			Show one cluster group: its selector, each intent attached (what it keeps
			and how often kapp-controller re-applies it) and each member with its
			health, version and how many intents are in sync. An unknown group is
			exit 3. -o yaml prints the group as a ClusterGroup, intents whole.`),
		Example: cmdutil.Examples(`
			# The group prod
			kubectl tko cluster group get prod

			# As YAML, with every intent's policy or schedule
			kubectl tko cluster group get prod -o yaml`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	return nil
}

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints the group.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect(false)
	if err != nil {
		return err
	}
	v, err := common.ReadView(ctx, c, o.Name)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, v.Objects(), true)
	}
	g := v.Groups[0]
	out := o.Streams.Out
	fmt.Fprintf(out, "Name:      %s\nSelector:  %s\nIntents:", g.Name, g.Selector)
	if len(g.Intents) == 0 {
		fmt.Fprintf(out, "   <none> (attach one: kubectl tko cluster group attach %s policy ...)\n", g.Name)
	} else {
		fmt.Fprintln(out)
		width := 0
		for _, in := range g.Intents {
			width = max(width, len(in.ID()))
		}
		for _, in := range g.Intents {
			fmt.Fprintf(out, "  %-*s  %s (every %s)\n", width, in.ID(), in.Describe(), in.SyncPeriod)
		}
	}
	fmt.Fprintln(out, "Members:")
	return v.Table(out, o.Output.Wide(), o.Output.NoHeaders, false)
}
