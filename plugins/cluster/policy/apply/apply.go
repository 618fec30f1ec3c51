// Package apply implements `kubectl tko cluster policy apply`.
package apply

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags and state of `policy apply`.
type Options struct {
	common.PolicyOptions

	File              string
	Recipe            string
	DenyHostPath      bool
	DenyPrivileged    bool
	Allow             []string
	BlockLatestTag    bool
	RequireDigest     bool
	PodSelector       map[string]string
	CPU, Memory       string
	Pods              int64
	Namespaces        []string
	NamespaceSelector string
	DryRun            cmdutil.DryRun

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
			repairs drift.

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
	fl := cmd.Flags()
	fl.StringVarP(&o.File, "filename", "f", "", "File of ClusterPolicy documents (or, with custom NAME, a ValidatingAdmissionPolicy); - for standard input.")
	fl.StringVar(&o.Recipe, "recipe", "", "The recipe: see 'kubectl tko cluster policy recipes'.")
	// TMC's words for the recipe of two types (--template is -o's).
	fl.StringVar(&o.Recipe, "level", "", "security: the recipe, baseline or restricted (strict).")
	fl.StringVar(&o.Recipe, "size", "", "namespace-quota: the recipe, small, medium or large.")
	fl.BoolVar(&o.DenyHostPath, "deny-host-path", false, "security, baseline: also refuse flexVolume and gitRepo volumes (and hostPath where Pod Security Admission does not look).")
	fl.BoolVar(&o.DenyPrivileged, "deny-privileged", false, "security, baseline: also require allowPrivilegeEscalation: false on every container (and refuse privileged ones where Pod Security Admission does not look).")
	fl.StringSliceVar(&o.Allow, "allow", nil, "image-registry: registries or repositories images may come from (harbor.example.com,harbor.example.com/tkg,*.example.com).")
	fl.BoolVar(&o.BlockLatestTag, "block-latest-tag", false, "image-registry: refuse images tagged latest or without a tag.")
	fl.BoolVar(&o.RequireDigest, "require-digest", false, "image-registry: refuse images not pinned by a sha256 digest.")
	fl.StringToStringVar(&o.PodSelector, "pod-selector", nil, "network: the pods of the *-to-pods recipes, as labels (app=web).")
	fl.StringVar(&o.CPU, "cpu", "", "namespace-quota, recipe custom: the limit of CPU (requests and limits).")
	fl.StringVar(&o.Memory, "memory", "", "namespace-quota, recipe custom: the limit of memory (requests and limits).")
	fl.Int64Var(&o.Pods, "pods", -1, "namespace-quota, recipe custom: the most pods.")
	fl.StringSliceVar(&o.Namespaces, "namespaces", nil, "Namespaces the policy governs (comma-separated); a system namespace only when named.")
	fl.StringVar(&o.NamespaceSelector, "namespace-selector", "", "Label selector of the namespaces the policy governs (env=prod,team in (a,b)).")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Check and print instead of applying: client (default when given: the objects) or server (every target's API server checks them).")
	for _, name := range []string{"recipe", "level", "size"} {
		_ = cmd.RegisterFlagCompletionFunc(name, completeRecipe)
	}
	o.AddFlags(cmd)
	return cmd, o
}

func completeArgs(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return policy.Types, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func completeRecipe(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return policy.RecipeNames(canonicalType(args[0])), cobra.ShellCompDirectiveNoFileComp
}

// canonicalType accepts "quota" for namespace-quota.
func canonicalType(t string) string {
	if t == "quota" {
		return policy.TypeQuota
	}
	return t
}

// Complete keeps the arguments for Validate.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.cmd, o.args = cmd, args
	return nil
}

// flagOf names the flag that sets a field of the policy.
var flagOf = map[string]string{
	"metadata.name": "NAME", "spec.recipe": "--recipe", "spec.parameters.allow": "--allow", "spec.parameters.podSelector": "--pod-selector",
	"spec.parameters.cpuLimits": "--cpu", "spec.parameters.cpuRequests": "--cpu", "spec.parameters.memoryRequests": "--memory", "spec.parameters.memoryLimits": "--memory", "spec.parameters": "--cpu, --memory, --pods", "spec.parameters.policySpec": "-f",
	"spec.scope.namespaces": "--namespaces", "spec.scope.namespaceSelector": "--namespace-selector", "kind": "TYPE",
	"spec.parameters.denyHostPath": "--deny-host-path", "spec.parameters.denyPrivileged": "--deny-privileged", "spec.parameters.pods": "--pods",
	"spec.parameters.blockLatestTag": "--block-latest-tag", "spec.parameters.requireDigest": "--require-digest",
}

// Validate checks the file or the flags whole, before any connection.
func (o *Options) Validate() error {
	if err := o.PolicyOptions.Validate(); err != nil {
		return err
	}
	custom := len(o.args) > 0 && o.args[0] == policy.TypeCustom
	if o.File != "" && !custom {
		if len(o.args) > 0 {
			return cmdutil.FlagErrorf("give a policy by -f FILE or as TYPE NAME with flags, not both")
		}
		for _, name := range []string{"recipe", "level", "size", "deny-host-path", "deny-privileged", "allow", "block-latest-tag", "require-digest", "pod-selector", "cpu", "memory", "pods", "namespaces", "namespace-selector"} {
			if o.cmd.Flags().Changed(name) {
				return cmdutil.FlagErrorf("--%s describes a policy given by flags; with -f the file says it all", name)
			}
		}
		raw, err := yamldoc.ReadFile(o.File, o.Streams.In)
		if err != nil {
			return err
		}
		docs, err := yamldoc.Parse(o.File, raw)
		if err != nil {
			return err
		}
		o.policies, err = policy.Parse(docs, "applied")
		return err
	}
	if len(o.args) != 2 {
		return cmdutil.FlagErrorf("give TYPE NAME (TYPE one of %s) with flags, or -f POLICY.yaml", strings.Join(policy.Types, ", "))
	}
	typ := canonicalType(o.args[0])
	if !slices.Contains(policy.Types, typ) {
		return cmdutil.FlagErrorf("unknown policy type %q: use one of %s", o.args[0], strings.Join(policy.Types, ", "))
	}
	p, err := o.fromFlags(typ, o.args[1])
	if err != nil {
		return err
	}
	if custom {
		if o.File == "" {
			return cmdutil.FlagErrorf("a custom policy needs -f VAP.yaml: a ValidatingAdmissionPolicy whose spec it applies")
		}
		if p.Spec.Parameters.PolicySpec, err = o.readVAP(); err != nil {
			return err
		}
	}
	var problems []errs.Problem
	for _, pr := range policy.Validate(p) {
		flag := flagOf[pr.Path]
		if flag == "" {
			flag = pr.Path
			if i := strings.Index(flag, "["); i > 0 {
				flag = flagOf[flag[:i]]
			}
		}
		problem := errs.Problem{Flag: flag, Message: pr.Message}
		if !slices.Contains(problems, problem) {
			problems = append(problems, problem)
		}
	}
	if len(problems) > 0 {
		return errs.Problems("policy "+p.Name(), "applied", problems)
	}
	o.policies = []*policy.Policy{p}
	return nil
}

// readVAP reads the spec of the ValidatingAdmissionPolicy of a custom policy.
func (o *Options) readVAP() (map[string]any, error) {
	raw, err := yamldoc.ReadFile(o.File, o.Streams.In)
	if err != nil {
		return nil, err
	}
	docs, err := yamldoc.Parse(o.File, raw)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, &errs.InputError{File: o.File, Err: fmt.Errorf("expected one ValidatingAdmissionPolicy, found %d documents", len(docs))}
	}
	m, _ := docs[0].Data.(map[string]any)
	if kind, _ := m["kind"].(string); kind != "ValidatingAdmissionPolicy" {
		return nil, &errs.InputError{File: o.File, Line: docs[0].Line("kind"), Field: "kind", Err: fmt.Errorf("expected a ValidatingAdmissionPolicy, found %q", kind)}
	}
	spec, _ := m["spec"].(map[string]any)
	return spec, nil
}

func (o *Options) fromFlags(typ, name string) (*policy.Policy, error) {
	p := &policy.Policy{APIVersion: policy.APIVersion, Kind: policy.Kind}
	p.Metadata.Name = name
	p.Spec = policy.Spec{Type: typ, Recipe: o.Recipe}
	pr := &p.Spec.Parameters
	pr.Allow, pr.BlockLatestTag, pr.RequireDigest, pr.PodSelector = o.Allow, o.BlockLatestTag, o.RequireDigest, o.PodSelector
	pr.DenyHostPath, pr.DenyPrivileged = o.DenyHostPath, o.DenyPrivileged
	if typ == policy.TypeImageRegistry && o.Recipe == "" {
		// The rules given by flags are the recipe.
		switch {
		case len(o.Allow) > 0 || o.cmd != nil && o.cmd.Flags().Changed("allow"):
			p.Spec.Recipe = "allowed-name-tag"
		case o.BlockLatestTag:
			p.Spec.Recipe = "block-latest-tag"
		case o.RequireDigest:
			p.Spec.Recipe = "require-digest"
		}
	}
	if typ == policy.TypeCustom && o.Recipe == "" {
		p.Spec.Recipe = "validating-admission-policy"
	}
	if o.CPU != "" || o.Memory != "" || o.Pods >= 0 {
		if p.Spec.Recipe == "" {
			p.Spec.Recipe = "custom"
		}
		pr.CPURequests, pr.CPULimits, pr.MemoryRequests, pr.MemoryLimits = o.CPU, o.CPU, o.Memory, o.Memory
		if o.Pods >= 0 {
			pr.Pods = &o.Pods
		}
	}
	p.Spec.Scope.Namespaces = o.Namespaces
	if o.NamespaceSelector != "" {
		sel, err := metav1.ParseToLabelSelector(o.NamespaceSelector)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--namespace-selector: %v", err)
		}
		p.Spec.Scope.NamespaceSelector = sel
	}
	return p, nil
}
