package access

import (
	"context"
	"sort"
	"strings"

	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Query is "who can VERB RESOURCE[/NAME] in NAMESPACE".
type Query struct {
	Verb      string
	Group     string // "" is the core group
	Resource  string // plural, with /subresource when one is asked
	Name      string // "" for any
	Namespace string // "" for cluster scope
}

// Match is a subject allowed by a binding.
type Match struct {
	Kind      string `json:"kind"` // User, Group, ServiceAccount
	Name      string `json:"name"`
	Namespace string `json:"namespace,omitempty"` // of a ServiceAccount
	Binding   string `json:"binding"`             // ClusterRoleBinding/x or RoleBinding/ns/x
	Role      string `json:"role"`                // ClusterRole/y or Role/ns/y
}

// RBAC is the roles and bindings that matter for a namespace.
type RBAC struct {
	ClusterRoles        map[string]rbacv1.ClusterRole
	Roles               map[string]rbacv1.Role // in the namespace
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
	RoleBindings        []rbacv1.RoleBinding // in the namespace
}

// LoadRBAC reads the cluster's ClusterRoles and ClusterRoleBindings, and
// the Roles and RoleBindings of namespace ("" for none).
func LoadRBAC(ctx context.Context, cs *kube.REST, namespace string) (*RBAC, error) {
	r := &RBAC{ClusterRoles: map[string]rbacv1.ClusterRole{}, Roles: map[string]rbacv1.Role{}}
	crs, err := kube.List[rbacv1.ClusterRole](ctx, cs, clusterRoles, "", metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, cr := range crs {
		r.ClusterRoles[cr.Name] = cr
	}
	crbs, err := kube.List[rbacv1.ClusterRoleBinding](ctx, cs, clusterRoleBindings, "", metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	r.ClusterRoleBindings = crbs
	if namespace == "" {
		return r, nil
	}
	roles, err := kube.List[rbacv1.Role](ctx, cs, roles, namespace, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	for _, ro := range roles {
		r.Roles[ro.Name] = ro
	}
	rbs, err := kube.List[rbacv1.RoleBinding](ctx, cs, roleBindings, namespace, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	r.RoleBindings = rbs
	return r, nil
}

// WhoCan lists the subjects the bindings allow the query, as
// kubectl-who-can does: every ClusterRoleBinding, and the RoleBindings of
// the query's namespace.
func (r *RBAC) WhoCan(q Query) []Match {
	var out []Match
	add := func(subjects []rbacv1.Subject, binding, role string) {
		for _, s := range subjects {
			out = append(out, Match{Kind: s.Kind, Name: s.Name, Namespace: s.Namespace, Binding: binding, Role: role})
		}
	}
	for _, b := range r.ClusterRoleBindings {
		if cr, ok := r.ClusterRoles[b.RoleRef.Name]; ok && RulesAllow(cr.Rules, q) {
			add(b.Subjects, "ClusterRoleBinding/"+b.Name, "ClusterRole/"+cr.Name)
		}
	}
	if q.Namespace != "" {
		for _, b := range r.RoleBindings {
			if b.Namespace != q.Namespace {
				continue
			}
			var rules []rbacv1.PolicyRule
			role := ""
			switch b.RoleRef.Kind {
			case "ClusterRole":
				rules, role = r.ClusterRoles[b.RoleRef.Name].Rules, "ClusterRole/"+b.RoleRef.Name
			case "Role":
				rules, role = r.Roles[b.RoleRef.Name].Rules, "Role/"+b.Namespace+"/"+b.RoleRef.Name
			}
			if RulesAllow(rules, q) {
				add(b.Subjects, "RoleBinding/"+b.Namespace+"/"+b.Name, role)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Kind != out[j].Kind {
			return out[i].Kind < out[j].Kind
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// RulesAllow says whether any rule allows the query.
func RulesAllow(rules []rbacv1.PolicyRule, q Query) bool {
	for _, rule := range rules {
		if len(rule.NonResourceURLs) > 0 && len(rule.Resources) == 0 {
			continue
		}
		if has(rule.Verbs, q.Verb) && has(rule.APIGroups, q.Group) && hasResource(rule.Resources, q.Resource) &&
			(len(rule.ResourceNames) == 0 || (q.Name != "" && contains(rule.ResourceNames, q.Name))) {
			return true
		}
	}
	return false
}

func has(list []string, v string) bool { return contains(list, "*") || contains(list, v) }

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func hasResource(list []string, resource string) bool {
	if has(list, resource) {
		return true
	}
	// "pods/*" covers every subresource of pods; "*/scale" every scale.
	base, sub, ok := strings.Cut(resource, "/")
	return ok && (contains(list, base+"/*") || contains(list, "*/"+sub))
}

// Verbs are the matrix columns, as rakkess shows them.
var Verbs = []string{"get", "list", "watch", "create", "update", "patch", "delete"}

// Resource is a row of the matrix.
type Resource struct {
	Group      string `json:"group"`
	Resource   string `json:"resource"`
	Namespaced bool   `json:"namespaced"`
}

// Name is resource.group, as kubectl prints it.
func (r Resource) Name() string {
	if r.Group == "" {
		return r.Resource
	}
	return r.Resource + "." + r.Group
}

// Row is one resource with the verbs allowed.
type Row struct {
	Resource
	Allowed map[string]bool `json:"allowed"`
}

// FromRulesReview evaluates a SelfSubjectRulesReview's resource rules.
func FromRulesReview(rules []authzv1.ResourceRule, resources []Resource) []Row {
	policy := make([]rbacv1.PolicyRule, len(rules))
	for i, r := range rules {
		policy[i] = rbacv1.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames}
	}
	out := make([]Row, 0, len(resources))
	for _, res := range resources {
		row := Row{Resource: res, Allowed: map[string]bool{}}
		for _, v := range Verbs {
			row.Allowed[v] = RulesAllow(policy, Query{Verb: v, Group: res.Group, Resource: res.Resource})
		}
		out = append(out, row)
	}
	return out
}
