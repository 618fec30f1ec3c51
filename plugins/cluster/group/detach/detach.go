// Package detach implements `kubectl tko cluster group detach`.
package detach

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `group detach`.
type Options struct {
	common.Options
	Wait   cmdutil.WaitFlags
	DryRun cmdutil.DryRun

	group, kind, name string
}

// NewCmd returns the detach command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams), Wait: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "detach GROUP (policy|backup-schedule|package|stack) NAME",
		Short: "Detach an intent from a cluster group: kapp-controller removes it from every member",
		Long: cmdutil.LongDesc(`
			Detach a policy, a backup schedule, a package or a stack from a cluster
			group: the intent leaves the group and its Apps are deleted, upon which
			kapp-controller deletes what each deployed in its member (the policy's
			admission policy, bindings, quotas, the Schedule, the PackageInstalls,
			whose packages the member's kapp-controller then removes), and the values
			Secrets of a package or stack go too. Namespaces and workloads stay where they
			are: the Apps never owned them. A security policy's Pod Security labels
			are removed from the namespaces of the members that can be reached.
			--wait waits until kapp-controller has deleted every App.`),
		Example: cmdutil.Examples(`
			# Stop enforcing the baseline policy in the prod clusters, and wait for it
			kubectl tko cluster group detach prod policy baseline --wait

			# Remove a package stack from every member
			kubectl tko cluster group detach prod stack ingress`),
		Args:              cmdutil.ExactArgs("GROUP", "KIND", "NAME"),
		ValidArgsFunction: o.completeArgs,
		RunE:              cli.RunE(f, o),
	}
	o.Wait.AddFlags(cmd, "Wait until kapp-controller has deleted the Apps and what they deployed")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print what would be deleted: client, or server (the API server checks each delete).")
	o.Output.AddFlags(cmd)
	return cmd
}

func (o *Options) completeArgs(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
	switch len(args) {
	case 0:
		return common.CompleteNames(o.Factory)(cmd, args, prefix)
	case 1:
		return []string{groups.KindPolicy, groups.KindSchedule, groups.KindPackage, groups.KindStack}, cobra.ShellCompDirectiveNoFileComp
	case 2:
		o.Factory.ForCompletion()
		dyn, err := o.Factory.Dynamic()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		g, err := groups.Get(cmd.Context(), dyn, args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, in := range g.Intents {
			if in.Kind == args[1] {
				out = append(out, in.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// Complete takes the arguments.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.group, o.kind, o.name = args[0], args[1], args[2]
	o.Wait.Complete(cmd, o.Streams.ErrOut, o.DryRun)
	return nil
}

// Validate checks the kind and the flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if !slices.Contains([]string{groups.KindPolicy, groups.KindSchedule, groups.KindPackage, groups.KindStack}, o.kind) {
		return cmdutil.FlagErrorf("unknown intent %q: detach %s policy NAME, backup-schedule NAME, package NAME or stack NAME", o.kind, o.group)
	}
	return o.Wait.Validate(o.DryRun)
}

// Run detaches the intent.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect(true)
	if err != nil {
		return err
	}
	g, err := groups.Get(ctx, c.Dynamic, o.group)
	if err != nil {
		return err
	}
	in, ok := g.Intent(o.kind, o.name)
	if !ok {
		return &errs.NotFoundError{Kind: o.kind, Name: o.name, Hint: fmt.Sprintf("group %s holds %s", g.Name, errs.OrNone(g.IntentIDs()))}
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return err
	}
	changes, err := groups.Detach(ctx, c, e, g, in, groups.SyncOptions{DryRun: o.DryRun.Server(), ClientDryRun: o.DryRun.Client(), Member: common.Members(c)})
	if err != nil {
		return err
	}
	if err := common.Interrupted(ctx, g.Name, changes); err != nil {
		return err
	}
	if err := common.PrintChanges(o.Streams, o.Output, changes, o.DryRun.Any()); err != nil {
		return err
	}
	if o.Wait.Wait {
		return groups.WaitGone(ctx, c, g.Name, in.Name, o.Wait.Timeout)
	}
	return nil
}
