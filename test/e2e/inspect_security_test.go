package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

// insecureObjects are real RBAC objects and pods for the posture checks:
// cluster-admin for every authenticated user, a wildcard Role bound to a
// person, a privileged pod by tag latest in a namespace with no
// NetworkPolicy (no kubelet runs it: the checks read specs), and pods
// listable without credentials.
const insecureObjects = `
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
# No controller manager runs to make it.
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: all, namespace: shop}
rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]
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
  containers:
  - name: app
    image: busybox:latest
    securityContext: {privileged: true}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: pod-lister}
rules: [{apiGroups: [""], resources: ["pods"], verbs: ["list"]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: anyone-lists-pods, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-lister}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: system:unauthenticated}]
`

func startAPIServer(t *testing.T, noAnonymous bool) *localcp.ControlPlane {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cp, err := localcp.Start(ctx, localcp.Options{Dir: t.TempDir(), Binaries: suite.Env.Binaries(), NoControllerManager: true, NoAnonymous: noAnonymous})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	return cp
}

// TestInspectSecurity runs the checks against a kube-apiserver of its own
// (the suite's must not bind cluster-admin to everyone), started with
// anonymous requests allowed as upstream's default is, and reaches it both
// as the current context and as a workload cluster of the suite's
// management cluster.
func TestInspectSecurity(t *testing.T) {
	wl := startAPIServer(t, false)
	e := suite.New(t)
	e.Kubectl("--kubeconfig", wl.Kubeconfig, "apply", "-f", "-").Stdin(insecureObjects).Success()

	r := e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig).ExitCode(1)
	r.StdoutContains(
		"current cluster\t1.2.1\terror\t", "kube-apiserver (anonymous list of pods answered)",
		"\t5.1.1\terror\tcluster-admin bound to a broad group\t", "ClusterRoleBinding/everyone-admin (system:authenticated)",
		"RoleBinding/shop/dev-all (Role/shop/all to User/dev@example.com)",
		"Pod/shop/priv (app)", "Pod/shop/priv (busybox:latest)",
		"\t5.3.2\twarning\tNamespaces with pods and no NetworkPolicy\tNamespace/shop\t",
	)
	if strings.Contains(r.Stdout, "kube-system") {
		t.Errorf("a system namespace is a finding:\n%s", r.Stdout)
	}

	// The same cluster as a workload cluster of the management cluster.
	ns := e.Namespace()
	certsCluster(t, ns, wl.Kubeconfig)
	r = e.Kubectl("tko", "cluster", "inspect", "security", "wc-certs", "-n", ns, "-o", "junit").ExitCode(1)
	r.StdoutContains(`<testsuite name="`+ns+`/wc-certs" tests="14" failures="3"`, `<testcase name="5.2.2 Privileged containers outside system namespaces"`)

	// TKO-2: not applicable until an image-registry policy is applied;
	// then the pod from before it, whose image it does not admit, fails.
	e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig, "-o", "wide").ExitCode(1).
		StdoutContains("\tTKO-2\twarning\tImages from registries outside the image-registry policy\t-\t-\tSKIPPED\tnot applicable: ")
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", "harbor-only", "--allow", "harbor.example.com", "--namespaces", "shop", "--kubeconfig", wl.Kubeconfig).Success()
	e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig).ExitCode(1).
		StdoutContains("\tTKO-2\twarning\tImages from registries outside the image-registry policy\tPod/shop/priv (busybox:latest)\t")

	// Accepted and ignored, nothing fails.
	e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig, "--ignore", "1.2.1,5.1.1", "--exceptions", "-").
		Stdin("- id: \"5.2.2\"\n  object: Pod/shop/*\n  reason: a driver that needs the host\n").Success()
	e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig, "--exceptions", "-").
		Stdin("- id: \"5.2.2\"\n  object: Pod/shop/*\n  reason: r\n- id: CIS-5.2.2\n  object: Pod/shop/*\n  reason: r\n").
		ExitCode(2).StderrContains("<stdin>:4: id: unknown check ID \"CIS-5.2.2\"")
}

// TestInspectSecurityNoAnonymous probes a kube-apiserver started with
// --anonymous-auth=false: the anonymous checks pass where the same RBAC
// objects let anonymous requests in on one that allows them.
func TestInspectSecurityNoAnonymous(t *testing.T) {
	wl := startAPIServer(t, true)
	e := suite.New(t)
	e.Kubectl("--kubeconfig", wl.Kubeconfig, "apply", "-f", "-").Stdin(insecureObjects).Success()
	r := e.Kubectl("tko", "cluster", "inspect", "security", "--kubeconfig", wl.Kubeconfig, "-o", "wide").ExitCode(1)
	r.StdoutContains("\t1.2.1\terror\tAnonymous requests can list namespaced objects\t-\t-\tPASS\t",
		"\t1.2.1-auth\twarning\tAnonymous requests are authenticated\t-\t-\tPASS\t",
		"\t5.1.1\terror\tcluster-admin bound to a broad group\tClusterRoleBinding/everyone-admin (system:authenticated)\t")
}

// TestInspectSecurityEstate is the demo tour's line: the seeded estate's
// posture error, through wc-prod-1's kubeconfig Secret, and the summary
// that counts it beside Grafana's certificate due in 10 days.
func TestInspectSecurityEstate(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "cluster", "inspect", "security", "wc-prod-1").ExitCode(1).
		StdoutContains("default/wc-prod-1\t5.1.1\terror\tcluster-admin bound to a broad group\t" + seed.PostureError + " (system:serviceaccounts)\t")
	r := e.Kubectl("tko", "cluster", "inspect", "wc-prod-1", "-o", "json").ExitCode(1)
	r.StdoutContains(`"cluster": "default/wc-prod-1"`, `"daysLeft": 10`, `"errors": 2`)
}
