// Package attach implements `kubectl tko cluster group attach`.
package attach

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	backupcommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
	policycommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags and state of `group attach`.
type Options struct {
	common.Options
	Policy     policycommon.Spec
	Scope      backupcommon.BackupScope
	Cron       string
	Paused     bool
	Velero     string
	SyncPeriod time.Duration
	HoldLabels bool
	DryRun     cmdutil.DryRun
	Wait       cmdutil.WaitFlags
	Package    PackageFlags

	cmd     *cobra.Command
	group   string
	kind    string
	args    []string
	intents []groups.Intent
	stack   *carvel.Stack
}

// scheduleFlags are the flags of a backup-schedule intent.
var scheduleFlags = []string{"schedule", "paused", "velero-namespace", "include-namespaces", "exclude-namespaces", "selector", "ttl", "storage-location"}

// policyFlags are the flags of a policy intent.
var policyFlags = []string{"filename", "recipe", "level", "size", "deny-host-path", "deny-privileged", "allow", "block-latest-tag", "require-digest", "pod-selector", "cpu", "memory", "pods", "namespaces", "namespace-selector", "hold-namespace-labels"}

// NewCmd returns the attach command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Options: common.NewOptions(f, streams), SyncPeriod: groups.DefaultSyncPeriod, Velero: backup.DefaultNamespace, Wait: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "attach GROUP (policy " + policycommon.SpecUsage + " | backup-schedule NAME --schedule CRON [scope flags] | package NAME --package REFNAME [--version V] [--values-file F] | stack -f STACK.yaml)",
		Short: "Attach a policy, a backup schedule, a package or a package stack to a cluster group, kept in every member by kapp-controller",
		Long: cmdutil.LongDesc(`
			Attach an intent to a cluster group: a cluster policy (the same specs as
			'kubectl tko cluster policy apply', given by flags or -f) or a Velero
			backup schedule (the flags of 'kubectl tko cluster backup schedule
			create'), or a package (the flags of 'kubectl tko package install'). For
			each member with a kubeconfig Secret, the objects are
			rendered against the member and written, in the management cluster, as
			one kapp-controller App in the member's namespace, deploying them into
			the member through its kubeconfig Secret and re-applying them every
			--sync-period: an object deleted or changed by hand in a member is put
			back by kapp-controller. Clusters that join the group later get theirs
			with 'group sync'.

			A package is installed by each member's own kapp-controller: the App
			deploys a PackageInstall (with its ServiceAccount and RBAC) into
			--install-namespace of the member and keeps it there. The version is
			resolved in the management cluster's repositories before anything is
			written; the members must offer the same package (TKG's tanzu-standard
			repository). Values (--values-file, --values) are checked against the
			package's values schema as 'package install' does, and kept only in
			Secrets: the group's in tko-system, and one per member beside its App,
			which the App deploys the install's values Secret from. The group's
			ConfigMap and the Apps name those Secrets and hold no value; nothing
			prints one.

			A stack (-f, the PackageStack format of 'kubectl tko package apply') is
			one intent named after its metadata.name: every install is resolved and
			its values checked before anything is written, and one App per member
			deploys all of its PackageInstalls, each after those it dependsOn have
			been reconciled by the member's kapp-controller (kapp change rules and a
			wait rule), and deletes them in the reverse order on detach. Installs
			the stack places in no namespace go to --install-namespace.

			The Apps deploy only objects the group creates (ValidatingAdmissionPolicies
			and their bindings, NetworkPolicies, ResourceQuotas, LimitRanges,
			Schedules, PackageInstalls), never an existing namespace: kapp deletes what an App deployed
			when the App goes, and a namespace must survive a detach. The Pod Security
			labels of a security policy are therefore set on the namespaces by attach
			and sync themselves (server-side apply, owning those labels only), and
			removed by detach; with --deny-privileged or --deny-host-path, the
			policy's ValidatingAdmissionPolicy, which kapp-controller holds, refuses
			the same pods even when a label is lowered by hand. With
			--hold-namespace-labels, kapp-controller holds the labels too: the App
			deploys the namespaces with kapp's orphan delete strategy (kapp adopts
			them, puts a label removed by hand back, keeps everyone else's labels and
			annotations, and forgets the namespace on detach instead of deleting
			it); detach then removes the labels.

			Refused before anything is written (exit 2): an intent that conflicts with
			one the group holds, or with one of another group that selects a member
			too (two security or two quota policies, or objects of the same name),
			naming both groups. The group is saved first: a member that cannot be
			reached is an error line (exit 1) and the others are written; rerunning
			attach, or 'group sync', converges. kapp-controller must run in the
			management cluster (exit 3 if not).`),
		Example: cmdutil.Examples(`
			# Baseline Pod Security, no privilege escalation, on every namespace of every prod cluster
			kubectl tko cluster group attach prod policy security baseline --level baseline --deny-privileged

			# Pod Security labels held by kapp-controller too, not only set at attach and sync
			kubectl tko cluster group attach prod policy security baseline --level baseline --hold-namespace-labels

			# Only images from Harbor, re-applied every 30 seconds
			kubectl tko cluster group attach prod policy image-registry harbor-only --allow harbor.example.com --sync-period 30s

			# Policies kept in a file
			kubectl tko cluster group attach prod policy -f policies.yaml

			# Nightly backups in every member
			kubectl tko cluster group attach prod backup-schedule nightly --schedule "0 2 * * *" --ttl 168h

			# cert-manager in every member, with its defaults
			kubectl tko cluster group attach prod package cert-manager -p cert-manager.tanzu.vmware.com

			# A package stack in every member, installs in dependency order
			kubectl tko cluster group attach prod stack -f ingress-stack.yaml

			# Contour in every member, with values kept in Secrets
			kubectl tko cluster group attach prod package contour -p contour.tanzu.vmware.com --values-file contour.yaml --values contour.replicas=3`),
		Args:              cobra.MinimumNArgs(2),
		ValidArgsFunction: o.completeArgs,
		RunE:              cli.RunE(f, o),
	}
	o.Policy.AddFlags(cmd)
	policycommon.SpecArgsAt(cmd, 2)
	o.Scope.AddFlags(cmd, f)
	o.Package.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Cron, "schedule", "", "backup-schedule: when to back up, a cron expression (\"0 2 * * *\") or @daily, @every 6h.")
	cmd.Flags().BoolVar(&o.Paused, "paused", false, "backup-schedule: create the schedules paused.")
	cmd.Flags().StringVar(&o.Velero, "velero-namespace", o.Velero, "backup-schedule: the namespace Velero runs in, in the members.")
	cmd.Flags().BoolVar(&o.HoldLabels, "hold-namespace-labels", false, "policy security: have kapp-controller hold the Pod Security labels too (the App deploys the namespaces, orphaned on detach; see docs/cluster-groups.md for what kapp then owns).")
	cmd.Flags().DurationVar(&o.SyncPeriod, "sync-period", o.SyncPeriod, "How often kapp-controller re-applies the intent in each member (at least 30s, kapp-controller's shortest).")
	o.Wait.AddFlags(cmd, "Wait until kapp-controller has reconciled every App of the group (exit 1 with its message when one fails)")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Check and print instead of attaching: client (the Apps) or server (the API servers check every write).")
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
		if args[1] == groups.KindPolicy {
			return policycommon.CompleteType(nil)
		}
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

// Complete takes the group, the kind and the kind's arguments.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.cmd, o.group, o.kind, o.args = cmd, args[0], args[1], args[2:]
	o.Wait.Complete(cmd, o.Streams.ErrOut, o.DryRun)
	return nil
}

// Validate reads the intent whole, before any connection.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := groups.ValidateName(o.group); err != nil {
		return cmdutil.Usagef("%v", err)
	}
	if err := o.Wait.Validate(o.DryRun); err != nil {
		return err
	}
	if o.SyncPeriod < 30*time.Second {
		return cmdutil.FlagErrorf("--sync-period %s is too short: kapp-controller syncs an App at most every 30s", o.SyncPeriod)
	}
	var others []string
	switch o.kind {
	case groups.KindPolicy:
		others = append(append([]string{}, scheduleFlags...), packageFlags...)
		policies, err := o.Policy.Policies(o.cmd, o.args, o.Streams.In, "attached")
		if err != nil {
			return err
		}
		for _, p := range policies {
			if o.HoldLabels && p.Spec.Type != policy.TypeSecurity {
				return cmdutil.FlagErrorf("--hold-namespace-labels goes with security policies: %s is a %s policy", p.Name(), p.Spec.Type)
			}
			o.intents = append(o.intents, groups.Intent{Kind: groups.KindPolicy, Name: p.Name(), SyncPeriod: o.SyncPeriod.String(), Policy: p, HoldLabels: o.HoldLabels})
		}
	case groups.KindSchedule:
		others = append(append([]string{}, policyFlags...), packageFlags...)
		if len(o.args) != 1 {
			return cmdutil.FlagErrorf("give the schedule's NAME: attach %s backup-schedule NAME --schedule CRON", o.group)
		}
		if o.Cron == "" {
			return cmdutil.FlagErrorf("missing --schedule CRON (e.g. \"0 2 * * *\" or @daily)")
		}
		spec, err := o.Scope.Spec()
		if err != nil {
			return err
		}
		obj, err := backup.NewSchedule(o.Velero, o.args[0], o.Cron, spec, o.Paused)
		if err != nil {
			return cmdutil.Usagef("--schedule: %v", err)
		}
		o.intents = []groups.Intent{{Kind: groups.KindSchedule, Name: o.args[0], SyncPeriod: o.SyncPeriod.String(), Schedule: obj.Object}}
	case groups.KindStack:
		for _, f := range append(append(append([]string{}, policyFlags...), scheduleFlags...), packageFlags...) {
			if !slices.Contains(stackFlags, f) {
				others = append(others, f)
			}
		}
		st, err := readStack(o.group, o.Policy.File, o.args, o.Streams.In)
		if err != nil {
			return err
		}
		o.stack = st
		o.intents = []groups.Intent{{Kind: groups.KindStack, Name: st.Name, SyncPeriod: o.SyncPeriod.String()}}
	case groups.KindPackage:
		others = append(append([]string{}, policyFlags...), scheduleFlags...)
		if err := o.Package.validate(o.group, o.args, o.Streams.In); err != nil {
			return err
		}
		o.intents = []groups.Intent{{Kind: groups.KindPackage, Name: o.args[0], SyncPeriod: o.SyncPeriod.String()}}
	default:
		return cmdutil.FlagErrorf("unknown intent %q: attach %s policy ..., backup-schedule ..., package ... or stack -f STACK.yaml", o.kind, o.group)
	}
	for _, name := range others {
		if o.cmd.Flags().Changed(name) {
			return cmdutil.FlagErrorf("--%s does not apply to a %s intent", name, o.kind)
		}
	}
	return nil
}

// Run records the intents in the group and writes the Apps of every member.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect(true)
	if err != nil {
		return err
	}
	g, err := groups.Get(ctx, c.Dynamic, o.group)
	if err != nil {
		return err
	}
	all, err := groups.List(ctx, c.Dynamic)
	if err != nil {
		return err
	}
	e, err := groups.ReadEstate(ctx, c)
	if err != nil {
		return err
	}
	for i := range o.intents {
		switch o.kind {
		case groups.KindPackage:
			if err := o.Package.resolve(ctx, c, &o.intents[i]); err != nil {
				return err
			}
		case groups.KindStack:
			if err := resolveStack(ctx, c, o.stack, o.Package.Namespace, &o.intents[i]); err != nil {
				return err
			}
		}
	}
	for _, in := range o.intents {
		if err := groups.CheckAttach(e, all, g, in); err != nil {
			return err
		}
		g.Intents = replace(g.Intents, in)
	}
	if !o.DryRun.Any() {
		if err := groups.Save(ctx, c.Dynamic, g); err != nil {
			return err
		}
	}
	members, err := e.Members(g)
	if err != nil {
		return err
	}
	if len(members) == 0 {
		common.Warn(o.Streams.ErrOut, "group %s has no member yet (selector %q): clusters that join get the intent with 'kubectl tko cluster group sync %s'", g.Name, g.Selector, g.Name)
	}
	changes, err := groups.Sync(ctx, c, e, g, groups.SyncOptions{DryRun: o.DryRun.Server(), ClientDryRun: o.DryRun.Client(), Member: common.Members(c)})
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
		return groups.WaitReconciled(ctx, c, g.Name, o.Wait.Timeout)
	}
	if o.Output.Human() && !o.DryRun.Any() {
		fmt.Fprintf(o.Streams.ErrOut, "kapp-controller now holds %d intent(s) of group %s; follow them with 'kubectl tko cluster group status %s'\n", len(g.Intents), g.Name, g.Name)
	}
	return nil
}

// replace puts an intent in the list, in place of one of the same kind and name.
func replace(intents []groups.Intent, in groups.Intent) []groups.Intent {
	for i, held := range intents {
		if held.Kind == in.Kind && held.Name == in.Name {
			out := append([]groups.Intent(nil), intents...)
			out[i] = in
			return out
		}
	}
	return append(intents, in)
}
