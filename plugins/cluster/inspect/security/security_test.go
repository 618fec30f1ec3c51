package security_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// posture adds a broad cluster-admin binding, a wildcard Role bound to a
// user and a privileged pod in a namespace with no NetworkPolicy.
func posture(s *clitest.Server) {
	s.AddYAML(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: everyone-admin}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:authenticated}]
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: shop}
rules: [{apiGroups: [""], resources: ["*"], verbs: ["get"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: dev-all, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: all}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: dev@example.com}]
---
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: shop}
spec:
  serviceAccountName: shop
  containers: [{name: app, image: "harbor.example.com/shop/app:1.0", securityContext: {privileged: true}}]
`)
}

// The in-memory server answers requests without credentials too, so the
// anonymous checks fail on it unless ignored; they are tested against a
// real API server in test/e2e and against a fake one in internal/posture.
const anon = "--ignore=1.2.1,1.2.1-auth"

func TestInspectSecurity(t *testing.T) {
	dir := t.TempDir()
	exc := filepath.Join(dir, "exceptions.yaml")
	if err := os.WriteFile(exc, []byte("- id: \"5.1.1\"\n  object: ClusterRoleBinding/everyone-*\n  reason: a lab\n- id: \"5.1.1\"\n  object: RoleBinding/tanzu-packages/*\n  reason: the demo's\n- id: \"5.2.2\"\n  object: Pod/shop/priv\n  reason: a lab\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("- id: \"5.1.1\"\n  object: x\n  reason: r\n- id: CIS-9\n  object: x\n  reason: r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "errors found", Args: clitest.Args("inspect security " + anon), Setup: posture, Code: 1,
			Stdout: []string{
				"CLUSTER\tID\tSEVERITY\tCHECK\tOBJECTS\tFIX\n",
				// The seeded estate's own error besides.
				"current cluster\t5.1.1\terror\tcluster-admin bound to a broad group\tClusterRoleBinding/everyone-admin (system:authenticated), " + seed.PostureError + " (system:serviceaccounts)\tdelete the binding",
				"current cluster\t5.1.3\twarning\t", "RoleBinding/shop/dev-all (Role/shop/all to User/dev@example.com)",
				"current cluster\t5.2.2\terror\tPrivileged containers outside system namespaces\tPod/shop/priv (app)\t",
				"current cluster\t5.3.2\twarning\tNamespaces with pods and no NetworkPolicy\tNamespace/shop\t",
				"current cluster\t5.2.1\twarning\tNamespaces with no Pod Security level\t", "Namespace/shop",
			},
			Stderr: []string{"security: 1 cluster(s): 2 error(s), ", "2 ignored"},
			Absent: []string{"\t1.2.1\t", "\tPASS\t"}, NoChanges: true},
		{Name: "anonymous answered by the in-memory server", Args: clitest.Args("inspect security"), Code: 1,
			Stdout: []string{"\t1.2.1\terror\tAnonymous requests can list namespaced objects\tkube-apiserver (anonymous list of pods answered)\t"}},
		{Name: "wide lists every check", Args: clitest.Args("inspect security -o wide " + anon), Setup: posture, Code: 1,
			Stdout: []string{"\tSTATUS\tNOTE\n", "\t5.4.1\twarning\tSecrets in environment variables\t-\t-\tPASS\t-\n", "\t1.2.1\terror\t", "\tIGNORED\t--ignore\n"}},
		{Name: "exceptions accept the errors", Args: clitest.Args("inspect security " + anon + " --exceptions " + exc), Setup: posture, Code: 0,
			Stdout: []string{"\t5.1.3\twarning\t"}, Absent: []string{"\t5.1.1\t", "\t5.2.2\t"}},
		{Name: "json", Args: clitest.Args("inspect security -o json " + anon), Setup: posture, Code: 1,
			Stdout: []string{`"errors": 2`, `"id": "5.2.2"`, `"status": "FAIL"`, `"Pod/shop/priv (app)"`}},
		{Name: "junit", Args: clitest.Args("inspect security -o junit " + anon), Setup: posture, Code: 1,
			Stdout: []string{`<?xml version="1.0"`, `<testsuite name="current cluster" tests="14" failures="2" errors="0" skipped="3">`, `<failure message="1 object(s): remove securityContext.privileged`}},
		{Name: "unknown exception ID", Args: clitest.Args("inspect security --exceptions " + bad), Code: 2, NoRequests: true,
			Stderr: []string{"bad.yaml:4: id: unknown check ID \"CIS-9\""}},
		{Name: "unknown --ignore ID", Args: clitest.Args("inspect security --ignore 5.1.1,nope"), Code: 2, NoRequests: true, Stderr: []string{`--ignore: unknown check ID "nope"`}},
		{Name: "-o name", Args: clitest.Args("inspect security -o name"), Code: 2, NoRequests: true},
		{Name: "the seeded estate", Args: clitest.Args("inspect security " + anon), Code: 1,
			Stdout: []string{"current cluster\t5.1.1\terror\tcluster-admin bound to a broad group\t" + seed.PostureError + " (system:serviceaccounts)\t"},
			Stderr: []string{"security: 1 cluster(s): 1 error(s), 1 warning(s), 9 passed, 2 ignored, 1 not applicable, 0 could not be checked"}},
		{Name: "forbidden pods are unchecked", Args: clitest.Args("inspect security --ignore 5.1.1 " + anon), Code: 0,
			Setup: func(s *clitest.Server) {
				s.Fail("list", "pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))
			},
			Stdout: []string{"\t5.2.2\tunchecked\t", "could not be checked"}, Stderr: []string{"8 could not be checked"}},
		{Name: "forbidden fails under --strict", Args: clitest.Args("inspect security --strict --ignore 5.1.1 " + anon), Code: 1,
			Setup: func(s *clitest.Server) {
				s.Fail("list", "pods", apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "", nil))
			}},
	})
}

// registryPolicy records an image-registry policy governing shop that
// admits Harbor only, as 'cluster policy apply' records it, and a pod of
// shop from Docker Hub that predates it.
func registryPolicy(s *clitest.Server) {
	posture(s)
	s.AddYAML(`
apiVersion: v1
kind: Namespace
metadata: {name: tko-policies}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: harbor-only
  namespace: tko-policies
  labels: {tko.tanzu.vmware.com/policy: harbor-only, tko.tanzu.vmware.com/policy-type: image-registry}
data:
  policy: '{"apiVersion":"tko.tanzu.vmware.com/v1alpha1","kind":"ClusterPolicy","metadata":{"name":"harbor-only"},"spec":{"type":"image-registry","recipe":"allowed-name-tag","parameters":{"allow":["harbor.example.com"]}}}'
  namespaces: shop
---
apiVersion: v1
kind: Pod
metadata: {name: hub, namespace: shop}
spec:
  serviceAccountName: shop
  containers: [{name: app, image: "docker.io/library/nginx:1.27"}]
`)
}

// TestInspectSecurityRegistries: TKO-2 reads the cluster's image-registry
// policy, and is not applicable without one.
func TestInspectSecurityRegistries(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "images outside the policy", Args: clitest.Args("inspect security " + anon), Setup: registryPolicy, Code: 1,
			Stdout: []string{"current cluster\tTKO-2\twarning\tImages from registries outside the image-registry policy\tPod/shop/hub (docker.io/library/nginx:1.27)\tpull the image from an allowed registry"},
			// Harbor's image is admitted.
			Absent: []string{"Pod/shop/priv (harbor"}, NoChanges: true},
		{Name: "no policy: not applicable in -o wide", Args: clitest.Args("inspect security -o wide " + anon), Setup: posture, Code: 1,
			Stdout: []string{"\tTKO-2\twarning\tImages from registries outside the image-registry policy\t-\t-\tSKIPPED\tnot applicable: the cluster has no image-registry policy with an allow list\n"}},
		{Name: "no policy: not in the table", Args: clitest.Args("inspect security " + anon), Setup: posture, Code: 1,
			Absent: []string{"TKO-2"}},
		{Name: "forbidden policy records: unchecked", Args: clitest.Args("inspect security " + anon), Setup: func(s *clitest.Server) {
			registryPolicy(s)
			s.Fail("list", "configmaps", apierrors.NewForbidden(schema.GroupResource{Resource: "configmaps"}, "", nil))
		}, Code: 1, Stdout: []string{"\tTKO-2\tunchecked\t", "policies: "}},
	})
}

func TestInspectSecurityWorkloadClusters(t *testing.T) {
	mgmt := clitest.Estate(t)
	wl := clitest.NewServer(t)
	posture(wl)
	mgmt.AddWorkloadCluster("default", "wc-prod-1", wl)
	r := mgmt.Run(cluster.Plugin(), "inspect", "security", "wc-prod-1", anon)
	r.Check(t, 1, "default/wc-prod-1\t5.1.1\terror\t")
	if strings.Contains(r.Stdout, "current cluster") {
		t.Errorf("the management cluster was inspected:\n%s", r.Stdout)
	}
}
