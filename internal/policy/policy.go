// Package policy is the domain logic of `kubectl tko cluster policy`:
// Tanzu Mission Control-style policies (security, image registry, network,
// namespace quota) kept in a small file format of ours, checked whole with
// file lines, rendered to objects the Kubernetes API server enforces itself
// (Pod Security Admission labels, ValidatingAdmissionPolicies with their
// bindings, NetworkPolicies, ResourceQuotas with LimitRanges), applied to a
// cluster with server-side apply and rolled back when one object fails, and
// read back for drift and violations. No command-line code.
package policy

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// The file format of a policy.
const (
	APIVersion = kube.Domain + "/v1alpha1"
	Kind       = "ClusterPolicy"
)

// Our marks on every object a policy writes.
const (
	// LabelPolicy names the policy that wrote an object (on a Namespace:
	// the security policy that governs it).
	LabelPolicy = kube.Domain + "/policy"
	// LabelType is the policy's type.
	LabelType = kube.Domain + "/policy-type"
	// RecordNamespace holds one ConfigMap per policy applied to a cluster:
	// the policy as applied and the objects it wrote.
	RecordNamespace = "tko-policies"
)

// The policy types, as TMC names them.
const (
	TypeSecurity      = "security"
	TypeImageRegistry = "image-registry"
	TypeNetwork       = "network"
	TypeQuota         = "namespace-quota"
	// TypeCustom is a ValidatingAdmissionPolicy of the user's, bound to
	// the policy's namespaces.
	TypeCustom = "custom"
)

// Types lists the policy types in the order they are documented.
var Types = []string{TypeSecurity, TypeImageRegistry, TypeNetwork, TypeQuota, TypeCustom}

// Policy is one ClusterPolicy document.
type Policy struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
		// Annotations are kept as given; a fleet `policy get` names the
		// cluster a document was read from in kube.AnnotationContext.
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Spec Spec `json:"spec"`
}

// Spec says what a policy enforces and where.
type Spec struct {
	Type       string         `json:"type"`
	Recipe     string         `json:"recipe"`
	Parameters Parameters     `json:"parameters,omitempty"`
	Scope      NamespaceScope `json:"scope,omitempty"`
}

// Parameters of the recipes; each type reads its own.
type Parameters struct {
	// security, recipe baseline: what baseline leaves open, refused by a
	// ValidatingAdmissionPolicy of the policy's (see securitySpec).
	DenyHostPath   bool `json:"denyHostPath,omitempty"`
	DenyPrivileged bool `json:"denyPrivileged,omitempty"`
	// image-registry
	Allow          []string `json:"allow,omitempty"`
	BlockLatestTag bool     `json:"blockLatestTag,omitempty"`
	RequireDigest  bool     `json:"requireDigest,omitempty"`
	// network: the pods of the *-to-pods recipes
	PodSelector map[string]string `json:"podSelector,omitempty"`
	// namespace-quota, recipe custom
	CPURequests    string `json:"cpuRequests,omitempty"`
	CPULimits      string `json:"cpuLimits,omitempty"`
	MemoryRequests string `json:"memoryRequests,omitempty"`
	MemoryLimits   string `json:"memoryLimits,omitempty"`
	Pods           *int64 `json:"pods,omitempty"`
	// custom: the spec of a ValidatingAdmissionPolicy (validations,
	// variables, matchConstraints, matchConditions, auditAnnotations,
	// failurePolicy); pods are matched when it names no resources.
	PolicySpec map[string]any `json:"policySpec,omitempty"`
}

// NamespaceScope is the namespaces a policy governs on each cluster: those
// named (when any), narrowed by the label selector (when given). The
// system namespaces are never selected unless named.
type NamespaceScope struct {
	Namespaces        []string              `json:"namespaces,omitempty"`
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
}

// Name is the policy's name.
func (p *Policy) Name() string { return p.Metadata.Name }

// ObjectName is the name of the objects a policy writes.
func (p *Policy) ObjectName() string { return "tko-" + p.Metadata.Name }

// Recipe is one recipe of a type, as `policy recipes` lists it.
type Recipe struct {
	Type        string `json:"type"`
	Name        string `json:"recipe"`
	Description string `json:"description"`
	Renders     string `json:"renders"`
}

// Recipes lists every recipe: TMC's, with what each becomes.
var Recipes = []Recipe{
	{TypeSecurity, "baseline", "Pod Security Standard baseline: no privileged pods, host namespaces, host ports or hostPath; optionally (denyHostPath, denyPrivileged) no flexVolume or gitRepo volumes and no privilege escalation", "Pod Security Admission labels on each namespace (enforce, audit, warn); with denyHostPath or denyPrivileged also a ValidatingAdmissionPolicy (CEL) and its binding"},
	{TypeSecurity, "restricted", "Pod Security Standard restricted (TMC's strict): baseline plus non-root, no privilege escalation, dropped capabilities, seccomp", "Pod Security Admission labels on each namespace (enforce, audit, warn)"},
	{TypeImageRegistry, "allowed-name-tag", "Images only from the registries or repositories in parameters.allow", "ValidatingAdmissionPolicy (CEL over every container, init and ephemeral container) and its binding"},
	{TypeImageRegistry, "block-latest-tag", "No image tagged latest or without a tag", "ValidatingAdmissionPolicy (CEL) and its binding"},
	{TypeImageRegistry, "require-digest", "Every image pinned by a sha256 digest", "ValidatingAdmissionPolicy (CEL) and its binding"},
	{TypeNetwork, "allow-all", "Allow all ingress to every pod", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeNetwork, "allow-all-to-pods", "Allow all ingress to the pods of parameters.podSelector", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeNetwork, "allow-all-egress", "Allow all egress from every pod", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeNetwork, "deny-all", "Deny all ingress to every pod", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeNetwork, "deny-all-to-pods", "Deny all ingress to the pods of parameters.podSelector", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeNetwork, "deny-all-egress", "Deny all egress from every pod", "NetworkPolicy in each namespace (enforced by the cluster's CNI)"},
	{TypeQuota, "small", "CPU 0.5 requested / 1 limit, memory 512Mi / 2Gi", "ResourceQuota and a LimitRange of container defaults in each namespace"},
	{TypeQuota, "medium", "CPU 1 / 2, memory 1Gi / 4Gi", "ResourceQuota and a LimitRange of container defaults in each namespace"},
	{TypeQuota, "large", "CPU 2 / 4, memory 2Gi / 8Gi", "ResourceQuota and a LimitRange of container defaults in each namespace"},
	{TypeQuota, "custom", "The limits in parameters (cpuRequests, cpuLimits, memoryRequests, memoryLimits, pods)", "ResourceQuota and a LimitRange of container defaults in each namespace"},
	{TypeCustom, "validating-admission-policy", "Your own CEL rules: the spec of a ValidatingAdmissionPolicy in parameters.policySpec", "ValidatingAdmissionPolicy and its binding to the policy's namespaces"},
}

// recipeAliases are TMC's names for our recipes.
var recipeAliases = map[string]string{"strict": "restricted"}

// RecipeNames lists the recipes of a type.
func RecipeNames(typ string) []string {
	var out []string
	for _, r := range Recipes {
		if r.Type == typ {
			out = append(out, r.Name)
		}
	}
	return out
}

// quotaSizes are TMC's namespace quota recipes: CPU and memory, requested
// and limit.
var quotaSizes = map[string][4]string{
	"small":  {"500m", "1", "512Mi", "2Gi"},
	"medium": {"1", "2", "1Gi", "4Gi"},
	"large":  {"2", "4", "2Gi", "8Gi"},
}

// systemNamespaces are never governed unless a policy names them.
var systemNamespaces = []string{"kube-system", "kube-public", "kube-node-lease", "tkg-system", RecordNamespace}

// systemPrefixes mark the namespaces of TKG's and Tanzu's own components.
var systemPrefixes = []string{"vmware-system-", "tanzu-system-", "tkg-system-"}

// IsSystemNamespace reports whether a namespace belongs to the platform.
func IsSystemNamespace(ns string) bool {
	return slices.Contains(systemNamespaces, ns) || slices.ContainsFunc(systemPrefixes, func(p string) bool { return strings.HasPrefix(ns, p) })
}

// Describe says in one line what a policy enforces.
func (p *Policy) Describe() string {
	s := p.Spec
	switch s.Type {
	case TypeSecurity:
		rules := []string{s.Recipe}
		if s.Parameters.DenyHostPath {
			rules = append(rules, "deny host path")
		}
		if s.Parameters.DenyPrivileged {
			rules = append(rules, "deny privileged")
		}
		return strings.Join(rules, "; ")
	case TypeImageRegistry:
		var rules []string
		if len(s.Parameters.Allow) > 0 {
			rules = append(rules, "allow "+strings.Join(s.Parameters.Allow, ","))
		}
		if s.Parameters.BlockLatestTag {
			rules = append(rules, "block latest tag")
		}
		if s.Parameters.RequireDigest {
			rules = append(rules, "require digest")
		}
		return strings.Join(rules, "; ")
	case TypeCustom:
		validations, _ := s.Parameters.PolicySpec["validations"].([]any)
		return fmt.Sprintf("%d CEL validation(s)", len(validations))
	case TypeQuota:
		q := p.quota()
		return fmt.Sprintf("%s: cpu %s/%s, memory %s/%s", s.Recipe, q[0], q[1], q[2], q[3])
	}
	return s.Recipe
}

// quota returns the CPU and memory of a quota policy.
func (p *Policy) quota() [4]string {
	if q, ok := quotaSizes[p.Spec.Recipe]; ok {
		return q
	}
	pr := p.Spec.Parameters
	return [4]string{pr.CPURequests, pr.CPULimits, pr.MemoryRequests, pr.MemoryLimits}
}
