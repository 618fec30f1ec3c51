package common

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// Spec is how a policy is given on the command line: TYPE NAME with
// flags, custom NAME with -f VAP.yaml, or -f POLICY.yaml. `policy apply`
// and `group attach NAME policy` take the same.
type Spec struct {
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
}

// SpecUsage is the usage line of the arguments Spec reads.
const SpecUsage = "(TYPE NAME --recipe RECIPE [flags] | custom NAME -f VAP.yaml | -f POLICY.yaml)"

// AddFlags registers the flags that describe a policy.
func (s *Spec) AddFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVarP(&s.File, "filename", "f", "", "File of ClusterPolicy documents (or, with custom NAME, a ValidatingAdmissionPolicy); - for standard input.")
	fl.StringVar(&s.Recipe, "recipe", "", "The recipe: see 'kubectl tko cluster policy recipes'.")
	// TMC's words for the recipe of two types (--template is -o's).
	fl.StringVar(&s.Recipe, "level", "", "security: the recipe, baseline or restricted (strict).")
	fl.StringVar(&s.Recipe, "size", "", "namespace-quota: the recipe, small, medium or large.")
	fl.BoolVar(&s.DenyHostPath, "deny-host-path", false, "security, baseline: also refuse flexVolume and gitRepo volumes (and hostPath where Pod Security Admission does not look).")
	fl.BoolVar(&s.DenyPrivileged, "deny-privileged", false, "security, baseline: also require allowPrivilegeEscalation: false on every container (and refuse privileged ones where Pod Security Admission does not look).")
	fl.StringSliceVar(&s.Allow, "allow", nil, "image-registry: registries or repositories images may come from (harbor.example.com,harbor.example.com/tkg,*.example.com).")
	fl.BoolVar(&s.BlockLatestTag, "block-latest-tag", false, "image-registry: refuse images tagged latest or without a tag.")
	fl.BoolVar(&s.RequireDigest, "require-digest", false, "image-registry: refuse images not pinned by a sha256 digest.")
	fl.StringToStringVar(&s.PodSelector, "pod-selector", nil, "network: the pods of the *-to-pods recipes, as labels (app=web).")
	fl.StringVar(&s.CPU, "cpu", "", "namespace-quota, recipe custom: the limit of CPU (requests and limits).")
	fl.StringVar(&s.Memory, "memory", "", "namespace-quota, recipe custom: the limit of memory (requests and limits).")
	fl.Int64Var(&s.Pods, "pods", -1, "namespace-quota, recipe custom: the most pods.")
	fl.StringSliceVar(&s.Namespaces, "namespaces", nil, "Namespaces the policy governs (comma-separated); a system namespace only when named.")
	fl.StringVar(&s.NamespaceSelector, "namespace-selector", "", "Label selector of the namespaces the policy governs (env=prod,team in (a,b)).")
	for _, name := range []string{"recipe", "level", "size"} {
		_ = cmd.RegisterFlagCompletionFunc(name, completeRecipe)
	}
}

// CompleteType completes the policy type, the first of the arguments Spec reads.
func CompleteType(args []string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return policy.Types, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveNoFileComp
}

func completeRecipe(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	// The policy type is the first argument Spec reads; a verb may take
	// arguments of its own before it (group attach GROUP policy TYPE ...).
	if n := cmd.Annotations[specArgsAt]; n != "" && len(args) > 0 {
		var skip int
		_, _ = fmt.Sscanf(n, "%d", &skip)
		if len(args) > skip {
			args = args[skip:]
		} else {
			args = nil
		}
	}
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return policy.RecipeNames(canonicalType(args[0])), cobra.ShellCompDirectiveNoFileComp
}

// specArgsAt is the annotation of a command whose Spec arguments follow
// arguments of its own: how many.
const specArgsAt = "tko.tanzu.vmware.com/spec-args-at"

// SpecArgsAt says that the arguments Spec reads follow n arguments of the verb's own.
func SpecArgsAt(cmd *cobra.Command, n int) {
	if cmd.Annotations == nil {
		cmd.Annotations = map[string]string{}
	}
	cmd.Annotations[specArgsAt] = fmt.Sprint(n)
}

// canonicalType accepts "quota" for namespace-quota.
func canonicalType(t string) string {
	if t == "quota" {
		return policy.TypeQuota
	}
	return t
}

// flagOf names the flag that sets a field of the policy.
var flagOf = map[string]string{
	"metadata.name": "NAME", "spec.recipe": "--recipe", "spec.parameters.allow": "--allow", "spec.parameters.podSelector": "--pod-selector",
	"spec.parameters.cpuLimits": "--cpu", "spec.parameters.cpuRequests": "--cpu", "spec.parameters.memoryRequests": "--memory", "spec.parameters.memoryLimits": "--memory", "spec.parameters": "--cpu, --memory, --pods", "spec.parameters.policySpec": "-f",
	"spec.scope.namespaces": "--namespaces", "spec.scope.namespaceSelector": "--namespace-selector", "kind": "TYPE",
	"spec.parameters.denyHostPath": "--deny-host-path", "spec.parameters.denyPrivileged": "--deny-privileged", "spec.parameters.pods": "--pods",
	"spec.parameters.blockLatestTag": "--block-latest-tag", "spec.parameters.requireDigest": "--require-digest",
}

// Policies reads the policies the arguments and flags give, checked whole
// before any connection; action is what is done with them ("applied").
func (s *Spec) Policies(cmd *cobra.Command, args []string, in io.Reader, action string) ([]*policy.Policy, error) {
	custom := len(args) > 0 && args[0] == policy.TypeCustom
	if s.File != "" && !custom {
		if len(args) > 0 {
			return nil, cmdutil.FlagErrorf("give a policy by -f FILE or as TYPE NAME with flags, not both")
		}
		for _, name := range []string{"recipe", "level", "size", "deny-host-path", "deny-privileged", "allow", "block-latest-tag", "require-digest", "pod-selector", "cpu", "memory", "pods", "namespaces", "namespace-selector"} {
			if cmd.Flags().Changed(name) {
				return nil, cmdutil.FlagErrorf("--%s describes a policy given by flags; with -f the file says it all", name)
			}
		}
		raw, err := yamldoc.ReadFile(s.File, in)
		if err != nil {
			return nil, err
		}
		docs, err := yamldoc.Parse(s.File, raw)
		if err != nil {
			return nil, err
		}
		return policy.Parse(docs, action)
	}
	if len(args) != 2 {
		return nil, cmdutil.FlagErrorf("give TYPE NAME (TYPE one of %s) with flags, or -f POLICY.yaml", strings.Join(policy.Types, ", "))
	}
	typ := canonicalType(args[0])
	if !slices.Contains(policy.Types, typ) {
		return nil, cmdutil.FlagErrorf("unknown policy type %q: use one of %s", args[0], strings.Join(policy.Types, ", "))
	}
	p, err := s.fromFlags(cmd, typ, args[1])
	if err != nil {
		return nil, err
	}
	if custom {
		if s.File == "" {
			return nil, cmdutil.FlagErrorf("a custom policy needs -f VAP.yaml: a ValidatingAdmissionPolicy whose spec it applies")
		}
		if p.Spec.Parameters.PolicySpec, err = s.readVAP(in); err != nil {
			return nil, err
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
		return nil, errs.Problems("policy "+p.Name(), action, problems)
	}
	return []*policy.Policy{p}, nil
}

// readVAP reads the spec of the ValidatingAdmissionPolicy of a custom policy.
func (s *Spec) readVAP(in io.Reader) (map[string]any, error) {
	raw, err := yamldoc.ReadFile(s.File, in)
	if err != nil {
		return nil, err
	}
	docs, err := yamldoc.Parse(s.File, raw)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, &errs.InputError{File: s.File, Err: fmt.Errorf("expected one ValidatingAdmissionPolicy, found %d documents", len(docs))}
	}
	m, _ := docs[0].Data.(map[string]any)
	if kind, _ := m["kind"].(string); kind != "ValidatingAdmissionPolicy" {
		return nil, &errs.InputError{File: s.File, Line: docs[0].Line("kind"), Field: "kind", Err: fmt.Errorf("expected a ValidatingAdmissionPolicy, found %q", kind)}
	}
	spec, _ := m["spec"].(map[string]any)
	return spec, nil
}

func (s *Spec) fromFlags(cmd *cobra.Command, typ, name string) (*policy.Policy, error) {
	p := &policy.Policy{APIVersion: policy.APIVersion, Kind: policy.Kind}
	p.Metadata.Name = name
	p.Spec = policy.Spec{Type: typ, Recipe: s.Recipe}
	pr := &p.Spec.Parameters
	pr.Allow, pr.BlockLatestTag, pr.RequireDigest, pr.PodSelector = s.Allow, s.BlockLatestTag, s.RequireDigest, s.PodSelector
	pr.DenyHostPath, pr.DenyPrivileged = s.DenyHostPath, s.DenyPrivileged
	if typ == policy.TypeImageRegistry && s.Recipe == "" {
		// The rules given by flags are the recipe.
		switch {
		case len(s.Allow) > 0 || cmd != nil && cmd.Flags().Changed("allow"):
			p.Spec.Recipe = "allowed-name-tag"
		case s.BlockLatestTag:
			p.Spec.Recipe = "block-latest-tag"
		case s.RequireDigest:
			p.Spec.Recipe = "require-digest"
		}
	}
	if typ == policy.TypeCustom && s.Recipe == "" {
		p.Spec.Recipe = "validating-admission-policy"
	}
	if s.CPU != "" || s.Memory != "" || s.Pods >= 0 {
		if p.Spec.Recipe == "" {
			p.Spec.Recipe = "custom"
		}
		pr.CPURequests, pr.CPULimits, pr.MemoryRequests, pr.MemoryLimits = s.CPU, s.CPU, s.Memory, s.Memory
		if s.Pods >= 0 {
			pr.Pods = &s.Pods
		}
	}
	p.Spec.Scope.Namespaces = s.Namespaces
	if s.NamespaceSelector != "" {
		sel, err := metav1.ParseToLabelSelector(s.NamespaceSelector)
		if err != nil {
			return nil, cmdutil.FlagErrorf("--namespace-selector: %v", err)
		}
		p.Spec.Scope.NamespaceSelector = sel
	}
	return p, nil
}
