package posture

import (
	"fmt"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
)

// Snapshot is what the checks read from one cluster. A source that could
// not be read has its error in Errors (by source name) and the checks that
// need it are UNCHECKED.
type Snapshot struct {
	Namespaces          []Namespace
	Pods                []Pod
	ServiceAccounts     []ServiceAccount
	NetworkPolicies     []NetworkPolicy
	ClusterRoles        []rbacv1.ClusterRole
	ClusterRoleBindings []rbacv1.ClusterRoleBinding
	Roles               []rbacv1.Role
	RoleBindings        []rbacv1.RoleBinding
	Anonymous           Anonymous
	// Registries are the cluster's image-registry policies with an allow
	// list; none makes TKO-2 not applicable.
	Registries []RegistryPolicy
	Errors     map[string]string
}

// RegistryPolicy is an image-registry policy as applied to a cluster.
type RegistryPolicy struct {
	Name       string
	Allow      []string
	Namespaces []string // the namespaces it governs
}

// Anonymous is what requests without credentials got.
type Anonymous struct {
	Authenticated bool `json:"authenticated"` // /version answered rather than 401
	CanList       bool `json:"canList"`       // a namespaced list answered 200
}

// Sources of a Snapshot, as Errors names them.
const (
	SrcNamespaces = "namespaces"
	SrcPods       = "pods"
	SrcSAs        = "serviceaccounts"
	SrcNetpols    = "networkpolicies"
	SrcRBAC       = "rbac"
	SrcAnonymous  = "anonymous"
	SrcPolicies   = "policies"
)

// needs says which sources each check reads.
var needs = map[string][]string{
	"1.2.1": {SrcAnonymous}, "1.2.1-auth": {SrcAnonymous},
	"5.1.1": {SrcRBAC}, "5.1.2": {SrcRBAC}, "5.1.3": {SrcRBAC},
	"5.1.5": {SrcPods, SrcSAs}, "5.2.1": {SrcNamespaces}, "5.2.2": {SrcPods}, "5.2.5": {SrcPods}, "5.2.12": {SrcPods},
	"5.3.2": {SrcPods, SrcNetpols}, "5.4.1": {SrcPods}, "TKO-1": {SrcPods}, "TKO-2": {SrcPods, SrcPolicies},
}

// BroadGroups are the groups every caller (or every service account) is in.
var BroadGroups = []string{"system:authenticated", "system:unauthenticated", "system:serviceaccounts"}

// MaxSecretReaders is how many subjects (outside the system ones) may read
// Secrets in every namespace before 5.1.2 fails.
const MaxSecretReaders = 3

// Evaluate runs every check on a snapshot; a check in ignore is IGNORED.
func Evaluate(cluster string, s Snapshot, ignore map[string]bool, exc Exceptions) []Result {
	out := make([]Result, 0, len(Checks))
	for _, c := range Checks {
		r := Result{Cluster: cluster, ID: c.ID, Severity: c.Severity, Check: c.Title, Status: StatusPass}
		var missing []string
		for _, src := range needs[c.ID] {
			if e, ok := s.Errors[src]; ok {
				missing = append(missing, src+": "+e)
			}
		}
		switch {
		case ignore[c.ID]:
			r.Status, r.Note = StatusIgnored, "--ignore"
		case len(missing) > 0:
			r.Status, r.Note = StatusUnchecked, "could not be checked: "+strings.Join(missing, "; ")
		case c.ID == "TKO-2" && len(s.Registries) == 0:
			r.Status, r.Note = StatusSkipped, "not applicable: the cluster has no image-registry policy with an allow list"
		default:
			objs := s.run(c.ID)
			sort.Strings(objs)
			r.Objects, r.Excepted = exc.split(c.ID, objs)
			switch {
			case len(r.Objects) > 0:
				r.Status, r.Fix = StatusFail, c.Fix
			case len(r.Excepted) > 0:
				r.Status, r.Note = StatusIgnored, "accepted exceptions"
			}
		}
		out = append(out, r)
	}
	return out
}

func (s Snapshot) run(id string) []string {
	switch id {
	case "1.2.1":
		if s.Anonymous.CanList {
			return []string{"kube-apiserver (anonymous list of pods answered)"}
		}
	case "1.2.1-auth":
		if s.Anonymous.Authenticated && !s.Anonymous.CanList {
			return []string{"kube-apiserver (anonymous /version answered)"}
		}
	case "5.1.1":
		return s.broadClusterAdmin()
	case "5.1.2":
		return s.secretReaders()
	case "5.1.3":
		return s.wildcards()
	case "5.1.5":
		return s.defaultServiceAccounts()
	case "5.2.1":
		return s.noPodSecurity()
	case "5.2.2", "5.2.5", "5.2.12":
		return s.hostAccess(id)
	case "5.3.2":
		return s.noNetworkPolicy()
	case "5.4.1":
		return s.secretsInEnv()
	case "TKO-1":
		return s.latestImages()
	case "TKO-2":
		return s.unallowedImages()
	}
	return nil
}

func subjectName(sub rbacv1.Subject) string {
	if sub.Kind == rbacv1.ServiceAccountKind {
		return "ServiceAccount/" + sub.Namespace + "/" + sub.Name
	}
	return sub.Kind + "/" + sub.Name
}

// person reports whether a subject stands for people or workloads we
// judge: not a system user or group (other than the broad ones), not a
// service account of a system namespace.
func person(sub rbacv1.Subject) bool {
	switch sub.Kind {
	case rbacv1.ServiceAccountKind:
		return !IsSystemNamespace(sub.Namespace)
	case rbacv1.GroupKind:
		return !strings.HasPrefix(sub.Name, "system:") || contains(BroadGroups, sub.Name)
	}
	return !strings.HasPrefix(sub.Name, "system:")
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func (s Snapshot) broadClusterAdmin() []string {
	var out []string
	check := func(binding string, ref rbacv1.RoleRef, subjects []rbacv1.Subject) {
		if ref.Kind != "ClusterRole" || ref.Name != "cluster-admin" {
			return
		}
		for _, sub := range subjects {
			if sub.Kind == rbacv1.GroupKind && contains(BroadGroups, sub.Name) {
				out = append(out, fmt.Sprintf("%s (%s)", binding, sub.Name))
			}
		}
	}
	for _, b := range s.ClusterRoleBindings {
		check("ClusterRoleBinding/"+b.Name, b.RoleRef, b.Subjects)
	}
	for _, b := range s.RoleBindings {
		check("RoleBinding/"+b.Namespace+"/"+b.Name, b.RoleRef, b.Subjects)
	}
	return out
}

func (s Snapshot) rbac() *access.RBAC {
	r := &access.RBAC{ClusterRoles: map[string]rbacv1.ClusterRole{}, Roles: map[string]rbacv1.Role{}, ClusterRoleBindings: s.ClusterRoleBindings}
	for _, cr := range s.ClusterRoles {
		r.ClusterRoles[cr.Name] = cr
	}
	return r
}

// secretReaders asks the access code of 'auth who-can' who can read
// Secrets in every namespace (ClusterRoleBindings).
func (s Snapshot) secretReaders() []string {
	r := s.rbac()
	seen := map[string]bool{}
	var readers []string
	broad := false
	for _, verb := range []string{"get", "list", "watch"} {
		for _, m := range r.WhoCan(access.Query{Verb: verb, Resource: "secrets"}) {
			sub := rbacv1.Subject{Kind: m.Kind, Name: m.Name, Namespace: m.Namespace}
			name := subjectName(sub)
			if !person(sub) || seen[name] {
				continue
			}
			seen[name] = true
			broad = broad || contains(BroadGroups, m.Name)
			readers = append(readers, fmt.Sprintf("%s (%s)", name, m.Binding))
		}
	}
	if len(readers) > MaxSecretReaders || broad {
		return readers
	}
	return nil
}

func wildcard(rules []rbacv1.PolicyRule) bool {
	for _, r := range rules {
		if contains(r.Verbs, "*") || contains(r.Resources, "*") {
			return true
		}
	}
	return false
}

func (s Snapshot) wildcards() []string {
	clusterRoles := map[string][]rbacv1.PolicyRule{}
	for _, cr := range s.ClusterRoles {
		clusterRoles[cr.Name] = cr.Rules
	}
	roles := map[string][]rbacv1.PolicyRule{}
	for _, ro := range s.Roles {
		roles[ro.Namespace+"/"+ro.Name] = ro.Rules
	}
	var out []string
	check := func(binding, role string, rules []rbacv1.PolicyRule, subjects []rbacv1.Subject) {
		if !wildcard(rules) {
			return
		}
		var people []string
		for _, sub := range subjects {
			if person(sub) {
				people = append(people, subjectName(sub))
			}
		}
		if len(people) > 0 {
			out = append(out, fmt.Sprintf("%s (%s to %s)", binding, role, strings.Join(people, ", ")))
		}
	}
	for _, b := range s.ClusterRoleBindings {
		check("ClusterRoleBinding/"+b.Name, "ClusterRole/"+b.RoleRef.Name, clusterRoles[b.RoleRef.Name], b.Subjects)
	}
	for _, b := range s.RoleBindings {
		if b.RoleRef.Kind == "Role" {
			check("RoleBinding/"+b.Namespace+"/"+b.Name, "Role/"+b.Namespace+"/"+b.RoleRef.Name, roles[b.Namespace+"/"+b.RoleRef.Name], b.Subjects)
		} else {
			check("RoleBinding/"+b.Namespace+"/"+b.Name, "ClusterRole/"+b.RoleRef.Name, clusterRoles[b.RoleRef.Name], b.Subjects)
		}
	}
	return out
}
