// Package apply implements `kubectl tko cluster policy apply`.
package apply

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags and state of `policy apply`.
type Options struct {
	common.PolicyOptions

	Spec   common.Spec
	DryRun cmdutil.DryRun
	Force  bool

	cmd      *cobra.Command
	args     []string
	policies []*policy.Policy
}

// NewCmd returns the apply command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd, _ := newCmd(f, streams)
	return cmd
}

func newCmd(f *cli.Factory, streams genericiooptions.IOStreams) (*cobra.Command, *Options) {
	o := &Options{PolicyOptions: common.NewPolicyOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "apply (TYPE NAME --recipe RECIPE [flags] | custom NAME -f VAP.yaml | -f POLICY.yaml)",
		Short: "Apply a security, image registry, network or quota policy to a cluster or a fleet",
		Long: cmdutil.LongDesc(`
			Apply a policy, given by flags or as ClusterPolicy documents in a file (see
			docs/cluster-policies.md), to the current cluster, to kubeconfig contexts, or to
			workload clusters through their kubeconfig Secrets (--cluster,
			--cluster-selector, --all-workload-clusters). The Kubernetes API server
			enforces every policy itself: security policies become Pod Security Admission
			labels on the namespaces they govern (with --deny-host-path or
			--deny-privileged, a baseline policy also refuses, with a
			ValidatingAdmissionPolicy, what baseline leaves open: flexVolume and
			gitRepo volumes, and containers without allowPrivilegeEscalation: false;
			it holds where Pod Security Admission is exempted or lowered by hand);
			image registry policies a
			ValidatingAdmissionPolicy (CEL over every container image) and its binding;
			network policies NetworkPolicies (enforced by the cluster's CNI, only stored
			without one); quota policies a ResourceQuota and a LimitRange; custom
			policies your own ValidatingAdmissionPolicy (its spec, from -f), bound to
			the policy's namespaces.

			A policy governs the namespaces of its scope: --namespaces, narrowed by
			--namespace-selector; with neither, every namespace but the system ones
			(kube-system, kube-public, kube-node-lease, tkg-system, vmware-system-*,
			tanzu-system-*), which are governed only when named.

			Nothing is half-applied: every file is checked whole first (every problem
			with its line); then every target cluster checks every object with a
			server-side dry run (conflicts with objects the policy does not own, CEL
			compilation), and nothing is changed anywhere unless all pass. If an object
			still fails on a cluster, what the run changed there (for every policy of
			the file) is rolled back and the error names the cluster. Objects are
			written with server-side apply and carry the label
			tko.tanzu.vmware.com/policy=NAME; a rerun converges ("unchanged") and
			repairs drift. Workload clusters that a cluster group holds policies in
			are refused (exit 2), naming the group: attach the policy to the group
			instead, or pass --force.

			--dry-run=client prints the objects; --dry-run=server has every target's API
			server check them, and reports the existing pods a security policy's level
			would refuse, as the API server warns about them.`),
		Example: cmdutil.Examples(`
			# Pod Security baseline on every namespace labelled env=prod
			kubectl tko cluster policy apply security prod-baseline --level baseline --namespace-selector env=prod

			# Baseline, plus no volumes into the node and no privilege escalation
			kubectl tko cluster policy apply security team-a --level baseline --deny-host-path --deny-privileged --namespaces team-a

			# Only images from Harbor, never :latest, on every workload cluster
			kubectl tko cluster policy apply image-registry harbor-only --allow harbor.example.com --block-latest-tag --all-workload-clusters

			# Deny all ingress in two namespaces, first as the objects it becomes
			kubectl tko cluster policy apply network lockdown --recipe deny-all --namespaces team-a,team-b --dry-run -o yaml

			# A medium quota on the namespaces of team-a
			kubectl tko cluster policy apply quota team-a --size medium --namespace-selector team=a

			# Your own CEL rules: every pod must say its team
			kubectl tko cluster policy apply custom team-label -f require-team-label-vap.yaml --namespace-selector env=prod

			# Policies kept in a file, to the prod clusters
			kubectl tko cluster policy apply -f policies.yaml --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod`),
		Args:              cobra.MaximumNArgs(2),
		ValidArgsFunction: completeArgs,
		RunE:              cli.RunE(f, o),
	}
	o.Spec.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.Force, "force", false, "Apply to workload clusters that a cluster group holds policies in (refused otherwise: see 'kubectl tko cluster group').")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Check and print instead of applying: client (default when given: the objects) or server (every target's API server checks them).")
	o.AddFlags(cmd)
	return cmd, o
}

func completeArgs(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	return common.CompleteType(args)
}

// Complete keeps the arguments for Validate.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.cmd, o.args = cmd, args
	return nil
}

// Validate checks the file or the flags whole, before any connection.
func (o *Options) Validate() error {
	if err := o.PolicyOptions.Validate(); err != nil {
		return err
	}
	var err error
	o.policies, err = o.Spec.Policies(o.cmd, o.args, o.Streams.In, "applied")
	return err
}
