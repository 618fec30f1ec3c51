// Package list implements `kubectl tko cluster group list`.
package list

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags of `group list`.
type Options struct{ common.Options }

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "The global view: every cluster group, its members, their health and version, and whether each intent is in sync",
		Long: cmdutil.LongDesc(`
			List the cluster groups of the management cluster, a row per group and
			member: the member's health and Kubernetes version, the intents attached
			to the group, and how many of them kapp-controller holds in sync in that
			member (its App ReconcileSucceeded). -o wide adds the selector and, for
			each intent not in sync, its state and kapp-controller's message; -o json
			prints each group as a ClusterGroup with its members in status.`),
		Example: cmdutil.Examples(`
			# Every group and member
			kubectl tko cluster group list

			# With kapp-controller's message for what is not in sync
			kubectl tko cluster group list -o wide`),
		Aliases: []string{"ls"},
		Args:    cmdutil.NoArgs,
		RunE:    cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes nothing.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints the view.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect(false)
	if err != nil {
		return err
	}
	v, err := common.ReadView(ctx, c, "")
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, v.Objects(), false)
	}
	if len(v.Groups) == 0 {
		_, err := o.Streams.ErrOut.Write([]byte("No cluster groups found: create one with 'kubectl tko cluster group create NAME --selector LABELS'\n"))
		return err
	}
	return v.Table(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, true)
}
