// Package sync implements `kubectl tko cluster group sync`.
package sync

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `group sync`.
type Options struct {
	common.Options
	DryRun cmdutil.DryRun
	Wait   cmdutil.WaitFlags
	Name   string
}

// NewCmd returns the sync command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams), Wait: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "sync [GROUP]",
		Short: "Bring cluster groups' Apps in line with their members: new members get theirs, clusters that left lose theirs",
		Long: cmdutil.LongDesc(`
			Make the Apps of a cluster group (or of every group) what its members
			and intents say: a cluster that joined (created, or labelled into the
			selector) gets an App per intent; the Apps of a cluster that left, or was
			deleted, are deleted, and kapp-controller removes what they deployed.
			Every intent is rendered again against each member (a policy's
			namespaces as they are now). Unchanged Apps say so: sync converges and
			is safe to rerun. A member without a kubeconfig Secret is skipped with a
			warning; one that cannot be reached is an error line (exit 1), the
			others are synced.`),
		Example: cmdutil.Examples(`
			# After labelling a new cluster into prod
			kubectl label cluster wc-prod-2 -n default tkg.tanzu.vmware.com/cluster-plan=prod
			kubectl tko cluster group sync prod

			# Every group
			kubectl tko cluster group sync`),
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Wait.AddFlags(cmd, "Wait until kapp-controller has reconciled every App of the group (exit 1 with its message when one fails)")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print what would change: client, or server (the API servers check every write).")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the group, when named.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Name = args[0]
	}
	o.Wait.Complete(cmd, o.Streams.ErrOut, o.DryRun)
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	return o.Wait.Validate(o.DryRun)
}

// Run syncs each group.
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
	var all []groups.Change
	for _, g := range gs {
		changes, err := groups.Sync(ctx, c, e, g, groups.SyncOptions{DryRun: o.DryRun.Server(), ClientDryRun: o.DryRun.Client(), Member: common.Members(c)})
		if err != nil {
			return err
		}
		all = append(all, changes...)
		if err := common.Interrupted(ctx, g.Name, changes); err != nil {
			return err
		}
	}
	if err := common.PrintChanges(o.Streams, o.Output, all, o.DryRun.Any()); err != nil {
		return err
	}
	if len(gs) == 0 {
		common.Warn(o.Streams.ErrOut, "no cluster groups: nothing to sync")
	}
	if o.Wait.Wait {
		for _, g := range gs {
			if err := groups.WaitReconciled(ctx, c, g.Name, o.Wait.Timeout); err != nil {
				return err
			}
		}
	}
	return nil
}
