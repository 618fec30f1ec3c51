package packages

import (
	"context"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// Every bad input is one line naming the cause and the fix, with its exit
// code, and leaves nothing behind.
func TestInstallBadInput(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	install := func(args ...string) []string {
		return append([]string{"tko", "package", "install", "contour", "-n", ns}, args...)
	}
	typo := writeFile(t, "typo.yaml", "contour:\n  replicas: 2\n  logLevl: debug\n")
	malformed := writeFile(t, "malformed.yaml", "contour:\n  replicas: 2\n   logLevel: debug\n")
	wrong := writeFile(t, "wrong.yaml", "contour:\n  replicas: two\nenvoy:\n  service:\n    type: Ingress\nfoo: 1\n")
	cases := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown package", install("-p", "contuor.tanzu.vmware.com"), explain.ExitNotFound,
			[]string{`package "contuor.tanzu.vmware.com" not found`, `did you mean "contour.tanzu.vmware.com"?`, "kubectl tko package available list"}},
		{"unknown version", install("-p", "contour.tanzu.vmware.com", "--version", "1.27.0"), explain.ExitNotFound,
			[]string{`version "1.27.0" not found`, "contour.tanzu.vmware.com has 1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1"}},
		{"invalid version", install("-p", "contour.tanzu.vmware.com", "--version", "latest"), explain.ExitUsage,
			[]string{`invalid version "latest"`, "use one of 1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1"}},
		{"unsatisfiable constraint", install("-p", "contour.tanzu.vmware.com", "--version-constraint", ">=2.0.0"), explain.ExitNotFound,
			[]string{`">=2.0.0" not found`, "available: 1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1"}},
		{"invalid constraint", install("-p", "contour.tanzu.vmware.com", "--version-constraint", ">=one"), explain.ExitUsage,
			[]string{`invalid version constraint ">=one"`, "example: '>=1.2.0 <2.0.0'"}},
		{"malformed values YAML", install("-p", "contour.tanzu.vmware.com", "-f", malformed), explain.ExitUsage,
			[]string{malformed + ":3", "malformed YAML"}},
		{"values typo", install("-p", "contour.tanzu.vmware.com", "-f", typo), explain.ExitUsage,
			[]string{"nothing was created", typo + ":3: contour.logLevl: unknown key \"logLevl\" (did you mean \"logLevel\"?)"}},
		{"schema violations, all at once", install("-p", "contour.tanzu.vmware.com", "-f", wrong), explain.ExitUsage,
			[]string{"(3 problem(s))", wrong + ":2: contour.replicas: got string, want integer", wrong + ":5: envoy.service.type: value must be one of 'LoadBalancer', 'NodePort', 'ClusterIP'", wrong + ":6: foo: unknown key"}},
		{"bad --values", install("-p", "contour.tanzu.vmware.com", "--values", "replicas"), explain.ExitUsage,
			[]string{`--values "replicas": use KEY=VALUE`}},
		{"missing namespace", []string{"tko", "package", "install", "contour", "-n", "no-such-ns", "-p", "contour.tanzu.vmware.com"}, explain.ExitNotFound,
			[]string{`namespace "no-such-ns" not found`, "kubectl create namespace no-such-ns", "--create-namespace"}},
		{"bad --rbac", install("-p", "contour.tanzu.vmware.com", "--rbac", "all"), explain.ExitUsage, []string{`--rbac "all": use cluster-admin, namespace or none`}},
		{"forbidden", install("-p", "contour.tanzu.vmware.com", "--as", "tko-viewer"), explain.ExitForbidden,
			[]string{`user "tko-viewer" may not list packagemetadatas.data.packaging.carvel.dev in namespace`}},
	}
	// Values problems are a report: the summary, then one line per problem.
	reports := map[string]bool{"values typo": true, "schema violations, all at once": true}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Kubectl(tc.args...).ExitCode(tc.code)
			if reports[tc.name] {
				r.ProblemReport(tc.want[0], tc.want[1:]...)
			} else {
				r.OneLineError(tc.want...)
			}
			empty(t, ns)
		})
	}
	// Flag misuse also points at --help.
	e.Kubectl(install()...).ExitCode(explain.ExitUsage).StderrContains("error: --package (-p) is required", "See 'kubectl tko package install --help' for usage.")
}

// A failure half-way (allowed to create the ServiceAccount, not the
// ClusterRole) removes what was created: no half-made install.
func TestInstallRollsBack(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	role := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": ns + "-partial"},
		"rules": []any{
			map[string]any{"apiGroups": []any{carvel.DataGroup}, "resources": []any{"packages", "packagemetadatas"}, "verbs": []any{"get", "list"}},
			map[string]any{"apiGroups": []any{carvel.PackagingGroup}, "resources": []any{"packageinstalls"}, "verbs": []any{"get", "list"}},
			map[string]any{"apiGroups": []any{""}, "resources": []any{"namespaces"}, "verbs": []any{"get"}},
			map[string]any{"apiGroups": []any{""}, "resources": []any{"serviceaccounts", "secrets"}, "verbs": []any{"get", "create", "delete"}},
		}}}
	binding := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": map[string]any{"name": ns + "-partial"},
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": ns + "-partial"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "partial-installer"}}}}
	ctx := context.Background()
	if _, err := suite.Dyn.Resource(carvel.ClusterRoles).Create(ctx, role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := suite.Dyn.Resource(carvel.ClusterRoleBindings).Create(ctx, binding, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = suite.Dyn.Resource(carvel.ClusterRoleBindings).Delete(ctx, ns+"-partial", metav1.DeleteOptions{})
		_ = suite.Dyn.Resource(carvel.ClusterRoles).Delete(ctx, ns+"-partial", metav1.DeleteOptions{})
	})
	values := writeFile(t, "v.yaml", "contour:\n  replicas: 2\n")
	e.Kubectl("tko", "package", "install", "contour", "-p", "contour.tanzu.vmware.com", "-n", ns, "-f", values, "--as", "partial-installer").
		ExitCode(explain.ExitForbidden).OneLineError(`user "partial-installer" may not create clusterroles.rbac.authorization.k8s.io at cluster scope`)
	empty(t, ns)
}
