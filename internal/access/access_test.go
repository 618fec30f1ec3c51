package access

import (
	"testing"

	authzv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestWhoCan(t *testing.T) {
	r := &RBAC{
		ClusterRoles: map[string]rbacv1.ClusterRole{
			"view":   {ObjectMeta: metav1.ObjectMeta{Name: "view"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods", "namespaces"}}}},
			"logs":   {ObjectMeta: metav1.ObjectMeta{Name: "logs"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods/*"}}}},
			"admin":  {ObjectMeta: metav1.ObjectMeta{Name: "admin"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}},
			"one-cm": {ObjectMeta: metav1.ObjectMeta{Name: "one-cm"}, Rules: []rbacv1.PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"a"}}}},
		},
		Roles: map[string]rbacv1.Role{},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{
			{ObjectMeta: metav1.ObjectMeta{Name: "admins"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "admin"}, Subjects: []rbacv1.Subject{{Kind: "Group", Name: "tko-platform"}}},
		},
		RoleBindings: []rbacv1.RoleBinding{
			{ObjectMeta: metav1.ObjectMeta{Name: "viewers", Namespace: "team-a"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "view"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "oidc:alice@example.com"}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "logs", Namespace: "team-a"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "logs"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Name: "ci", Namespace: "team-a"}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "cm", Namespace: "team-a"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "one-cm"}, Subjects: []rbacv1.Subject{{Kind: "User", Name: "bob"}}},
		},
	}
	names := func(ms []Match) (out []string) {
		for _, m := range ms {
			out = append(out, m.Kind+":"+m.Name)
		}
		return out
	}
	for _, tc := range []struct {
		q    Query
		want []string
	}{
		{Query{Verb: "list", Resource: "pods", Namespace: "team-a"}, []string{"Group:tko-platform", "User:oidc:alice@example.com"}},
		{Query{Verb: "delete", Resource: "pods", Namespace: "team-a"}, []string{"Group:tko-platform"}},
		{Query{Verb: "get", Resource: "pods/log", Namespace: "team-a"}, []string{"Group:tko-platform", "ServiceAccount:ci"}},
		{Query{Verb: "get", Resource: "configmaps", Name: "a", Namespace: "team-a"}, []string{"Group:tko-platform", "User:bob"}},
		{Query{Verb: "get", Resource: "configmaps", Name: "b", Namespace: "team-a"}, []string{"Group:tko-platform"}},
		{Query{Verb: "list", Resource: "pods", Namespace: "team-b"}, []string{"Group:tko-platform"}},
	} {
		if got := names(r.WhoCan(tc.q)); len(got) != len(tc.want) || (len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1]) {
			t.Errorf("%+v: got %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestMatrixFromRulesReview(t *testing.T) {
	rows := FromRulesReview([]authzv1.ResourceRule{{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}}},
		[]Resource{{Resource: "pods", Namespaced: true}, {Group: "apps", Resource: "deployments", Namespaced: true}})
	if !rows[0].Allowed["list"] || rows[0].Allowed["delete"] || rows[1].Allowed["get"] || rows[1].Name() != "deployments.apps" {
		t.Fatalf("%+v", rows)
	}
}

func TestGrantNamesAndValidation(t *testing.T) {
	g := Grant{Kind: KindGroup, Name: "tko-platform", Role: "view"}
	if g.BindingName() != "tko:view:group:tko-platform" || g.Object().GetKind() != "ClusterRoleBinding" {
		t.Fatal(g.BindingName())
	}
	g.Namespace = "team-a"
	if o := g.Object(); o.GetKind() != "RoleBinding" || o.GetNamespace() != "team-a" {
		t.Fatal(o.GetKind())
	}
	if (Grant{Kind: "Robot", Name: "x", Role: "view"}).Validate() == nil || (Grant{Kind: KindUser, Name: "x", Role: "a/b"}).Validate() == nil {
		t.Fatal("invalid grants accepted")
	}
}
