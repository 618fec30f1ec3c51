// Package delete implements `kubectl tko cluster group delete`.
package delete

import (
	"context"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `group delete`.
type Options struct {
	common.Options
	Wait   cmdutil.WaitFlags
	DryRun cmdutil.DryRun
	Name   string
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams), Wait: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "delete GROUP",
		Short: "Delete a cluster group: every intent is detached from every member first",
		Long: cmdutil.LongDesc(`
			Delete a cluster group: each intent is detached (its Apps deleted, upon
			which kapp-controller deletes what they deployed in the members; Pod
			Security labels removed), then the group itself. The clusters, their
			namespaces and workloads stay. An unknown group is exit 3. --wait waits
			until kapp-controller has deleted every App.`),
		Example: cmdutil.Examples(`
			# Delete the group prod and wait until its members are clean
			kubectl tko cluster group delete prod --wait`),
		Args:              cmdutil.ExactArgs("GROUP"),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Wait.AddFlags(cmd, "Wait until kapp-controller has deleted the Apps and what they deployed")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print what would be deleted: client, or server (the API server checks each delete).")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Name = args[0]
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

// Run detaches every intent, then deletes the group.
func (o *Options) Run(ctx context.Context) error {
	g, c, err := o.read(ctx)
	if err != nil {
		return err
	}
	var changes []groups.Change
	if len(g.Intents) > 0 {
		e, err := groups.ReadEstate(ctx, c)
		if err != nil {
			return err
		}
		opts := groups.SyncOptions{DryRun: o.DryRun.Server(), ClientDryRun: o.DryRun.Client(), Member: common.Members(c)}
		for _, in := range append([]groups.Intent(nil), g.Intents...) {
			ch, err := groups.Detach(ctx, c, e, g, in, opts)
			if err != nil {
				return err
			}
			changes = append(changes, ch...)
		}
	}
	// A detach that failed somewhere keeps the group, so that a rerun
	// finds what is left.
	if slices.ContainsFunc(changes, func(ch groups.Change) bool { return ch.Err != nil }) {
		if err := common.PrintChanges(o.Streams, o.Output, changes, o.DryRun.Any()); err != nil {
			return err
		}
	}
	if !o.DryRun.Client() {
		if err := groups.DeleteConfigMap(ctx, c.Dynamic, g.Name, o.DryRun.Server()); err != nil {
			return err
		}
	}
	if err := common.PrintChanges(o.Streams, o.Output, changes, o.DryRun.Any(), g.Object(nil)); err != nil {
		return err
	}
	if o.Output.Human() {
		if err := cli.PrintAction(o.Streams.Out, g.Object(nil), "deleted", o.DryRun.Any()); err != nil {
			return err
		}
	}
	if o.Wait.Wait {
		return groups.WaitGone(ctx, c, g.Name, "", o.Wait.Timeout)
	}
	return nil
}

// read connects and reads the group. kapp-controller is needed only when
// the group holds intents: without it nothing would delete their Apps.
func (o *Options) read(ctx context.Context) (*groups.Group, *kube.Clients, error) {
	c, err := o.Connect(false)
	if err != nil {
		return nil, nil, err
	}
	g, err := groups.Get(ctx, c.Dynamic, o.Name)
	if err != nil {
		return nil, nil, err
	}
	if len(g.Intents) > 0 {
		if err := groups.RequireKappController(c.Served); err != nil {
			return nil, nil, err
		}
	}
	return g, c, nil
}
