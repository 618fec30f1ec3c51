package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

// newCluster creates a cluster from the flat config in a fresh namespace.
func newCluster(t *testing.T, e interface{ Namespace() string }, name string) string {
	t.Helper()
	ns := e.Namespace()
	copyClass(t, e, ns)
	suite.New(t).Kubectl("tko", "cluster", "create", name, "-f", testdata(t, "wc-new.yaml"), "-n", ns, "--tkr", "v1.29.9---vmware.1-tkg.1").Success()
	return ns
}

func getCluster(t *testing.T, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestClusterScale(t *testing.T) {
	e := suite.New(t)
	ns := newCluster(t, e, "wc-scale")
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns, "--controlplane", "5", "--worker", "4", "--dry-run").Success().
		StdoutContains("would change (dry run)", "spec.topology.controlPlane.replicas: 3 → 5", "spec.topology.workers.machineDeployments[md-0].replicas: 3 → 4")
	if r, _, _ := unstructured.NestedInt64(getCluster(t, ns, "wc-scale").Object, "spec", "topology", "controlPlane", "replicas"); r != 3 {
		t.Fatalf("--dry-run changed the cluster: %d", r)
	}
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns, "--controlplane", "5").Success().StdoutContains("changed:", "3 → 5")
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns, "--controlplane", "5").Success().StdoutContains("unchanged")
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns, "--controlplane", "4").ExitCode(explain.ExitUsage).OneLineError("--controlplane 4: use an odd number")
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns, "--worker", "2", "--node-pool", "md-9").ExitCode(explain.ExitNotFound).OneLineError(`node pool "md-9" not found`, "md-0")
	e.Kubectl("tko", "cluster", "scale", "wc-nope", "-n", ns, "--worker", "2").ExitCode(explain.ExitNotFound).OneLineError(`cluster "wc-nope" not found`)
	e.Kubectl("tko", "cluster", "scale", "wc-scale", "-n", ns).ExitCode(explain.ExitUsage).StderrContains("nothing to scale", "--help")
	// Several pools need --node-pool.
	e.Kubectl("tko", "cluster", "scale", "wc-prod-1", "--worker", "2").ExitCode(explain.ExitUsage).OneLineError("has 3 node pools (md-0, md-1, md-2): name one with --node-pool")
}

func TestClusterUpgrade(t *testing.T) {
	e := suite.New(t)
	ns := newCluster(t, e, "wc-up")
	r := e.Kubectl("tko", "cluster", "available-upgrades", "wc-up", "-n", ns, "-o", "json").Success()
	var ups struct {
		CurrentVersion string
		Upgrades       []struct{ Name, KubernetesVersion string }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &ups); err != nil {
		t.Fatal(err)
	}
	if ups.CurrentVersion != "v1.29.9+vmware.1" || len(ups.Upgrades) != 1 || ups.Upgrades[0].Name != "v1.30.2---vmware.1-tkg.1" {
		t.Errorf("available upgrades: %+v (only the next minor is reachable)", ups)
	}
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns, "--tkr", "v1.31.1---vmware.2-tkg.2").ExitCode(explain.ExitUsage).OneLineError("skips a minor version", "to v1.30.x first")
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns, "--version", "v1.30.9+vmware.1").ExitCode(explain.ExitNotFound).OneLineError(`TanzuKubernetesRelease "v1.30.9+vmware.1" not found`)
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns, "--tkr", "v1.30.2---vmware.1-tkg.1", "--dry-run").Success().
		StdoutContains("spec.topology.version: v1.29.9+vmware.1 → v1.30.2+vmware.1", "metadata.labels.run.tanzu.vmware.com/tkr: v1.29.9---vmware.1-tkg.1 → v1.30.2---vmware.1-tkg.1")
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns, "--version", "v1.30.2+vmware.1").Success()
	if v, _, _ := unstructured.NestedString(getCluster(t, ns, "wc-up").Object, "spec", "topology", "version"); v != "v1.30.2+vmware.1" {
		t.Errorf("version after upgrade: %s", v)
	}
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns, "--tkr", "v1.29.9---vmware.1-tkg.1").ExitCode(explain.ExitUsage).OneLineError("cannot be downgraded")
	e.Kubectl("tko", "cluster", "upgrade", "wc-up", "-n", ns).ExitCode(explain.ExitUsage).StderrContains("missing the target")
}

func TestClusterNodePoolsAndHealthChecks(t *testing.T) {
	e := suite.New(t)
	ns := newCluster(t, e, "wc-pools")
	e.Kubectl("tko", "cluster", "node-pool", "set", "wc-pools", "-n", ns, "--name", "md-gpu", "--replicas", "2", "--failure-domain", "az-2").Success().
		StdoutContains(`machineDeployments[md-gpu]: (none) → {"class":"tkg-worker","failureDomain":"az-2","name":"md-gpu","replicas":2}`)
	r := e.Kubectl("tko", "cluster", "node-pool", "list", "wc-pools", "-n", ns, "-o", "wide").Success()
	if row := rowOf(t, r.Stdout, "md-gpu", 0); row[1] != "tkg-worker" || row[2] != "0/2" || row[4] != "az-2" {
		t.Errorf("md-gpu row %q", row)
	}
	e.Kubectl("tko", "cluster", "node-pool", "delete", "wc-pools", "-n", ns, "--name", "md-gpu").Success()
	e.Kubectl("tko", "cluster", "node-pool", "delete", "wc-pools", "-n", ns, "--name", "md-0").ExitCode(explain.ExitUsage).OneLineError("is the last one")
	e.Kubectl("tko", "cluster", "node-pool", "set", "wc-pools", "-n", ns, "--name", "md-1", "--class", "tkg-worker-gpu").Success()
	// The class check happens on create; on set the API server accepts it, as tanzu does.

	e.Kubectl("tko", "cluster", "mhc", "set", "wc-pools", "-n", ns, "--unhealthy-for", "10m").Success().StdoutContains("spec.topology.controlPlane.healthCheck")
	hc, _, _ := unstructured.NestedMap(getCluster(t, ns, "wc-pools").Object, "spec", "topology", "controlPlane", "healthCheck")
	if hc["enabled"] != true {
		t.Errorf("healthCheck %v", hc)
	}
	e.Kubectl("tko", "cluster", "mhc", "delete", "wc-pools", "-n", ns).Success()
	hc, _, _ = unstructured.NestedMap(getCluster(t, ns, "wc-pools").Object, "spec", "topology", "controlPlane", "healthCheck")
	if hc["enabled"] != false {
		t.Errorf("healthCheck after delete %v", hc)
	}
	e.Kubectl("tko", "cluster", "mhc", "get", "wc-prod-1").Success().StdoutContains("wc-prod-1-cp-mhc\t1/1\tAllowed\tcontrol-plane")
}

func TestClusterDelete(t *testing.T) {
	e := suite.New(t)
	ns := newCluster(t, e, "wc-del")
	// From a pipe, without --yes: refused, nothing deleted.
	e.Kubectl("tko", "cluster", "delete", "wc-del", "-n", ns).Stdin("y\n").ExitCode(explain.ExitUsage).OneLineError("refusing to delete wc-del without --yes")
	getCluster(t, ns, "wc-del")
	// A typo in a list deletes nothing.
	e.Kubectl("tko", "cluster", "delete", "wc-del", "wc-typo", "-n", ns, "--yes").ExitCode(explain.ExitNotFound)
	getCluster(t, ns, "wc-del")
	e.Kubectl("tko", "cluster", "delete", "wc-del", "-n", ns, "--yes", "--dry-run").Success().StdoutContains("deleted (dry run)")
	getCluster(t, ns, "wc-del")
	e.Kubectl("tko", "cluster", "delete", "wc-del", "-n", ns, "--yes", "--wait", "--timeout", "30s").Success().StderrContains("is gone")
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(context.Background(), "wc-del", metav1.GetOptions{}); err == nil {
		t.Error("cluster still there")
	}
	e.Kubectl("tko", "cluster", "delete", "tkg-mgmt", "-n", "tkg-system", "--yes").ExitCode(explain.ExitUsage).OneLineError("is a management cluster")
}

func TestClusterKubeconfig(t *testing.T) {
	e := suite.New(t)
	file := filepath.Join(t.TempDir(), "wc.yaml")
	e.Kubectl("tko", "cluster", "kubeconfig", "get", "wc-prod-1", "--admin", "--export-file", file).Success().StderrContains("context wc-prod-1-admin@wc-prod-1")
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("exported kubeconfig mode %v, want 0600", st.Mode().Perm())
	}
	// The exported admin kubeconfig reaches the cluster through real kubectl.
	e.Kubectl("--kubeconfig", file, "get", "namespace", "tanzu-packages", "-o", "name").Success().StdoutContains("namespace/tanzu-packages")

	// Without --admin: a Pinniped login kubeconfig that holds no credential.
	r := e.Kubectl("tko", "cluster", "kubeconfig", "get", "wc-prod-1").Success()
	cfg, err := clientcmd.Load([]byte(r.Stdout))
	if err != nil {
		t.Fatal(err)
	}
	user := cfg.AuthInfos["wc-prod-1-pinniped"]
	if cfg.CurrentContext != "wc-prod-1@wc-prod-1" || user == nil || user.Exec == nil || user.Token != "" ||
		!strings.Contains(strings.Join(user.Exec.Args, " "), "tko auth login --issuer https://pinniped-supervisor.tko.example.com/provider/pinniped") {
		t.Errorf("pinniped kubeconfig: %s", r.Stdout)
	}
	// --merge adds the context to the kubeconfig in use, 0600.
	e.Kubectl("tko", "cluster", "kubeconfig", "get", "wc-team-a", "-n", "team-a", "--admin", "--merge").Success()
	merged, err := clientcmd.LoadFromFile(e.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if merged.CurrentContext != "wc-team-a-admin@wc-team-a" || merged.Contexts[localcp.ContextName] == nil {
		t.Errorf("merged kubeconfig: current %s, contexts %v", merged.CurrentContext, len(merged.Contexts))
	}
	if st, _ := os.Stat(e.Kubeconfig); st.Mode().Perm() != 0o600 {
		t.Errorf("merged kubeconfig mode %v", st.Mode().Perm())
	}
	e.Kubectl("tko", "cluster", "kubeconfig", "get", "wc-dev-1", "--admin", "--context", localcp.ContextName).ExitCode(explain.ExitNotFound).OneLineError(`"wc-dev-1-kubeconfig" not found`)
}

func TestClusterAudit(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "audit", "wc-prod-1", "-o", "json").ExitCode(explain.ExitFailure)
	var report struct {
		Clusters []struct {
			Name    string
			Results []struct{ ID, Status, Reason string }
		}
		Summary struct{ Fail int }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &report); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, res := range report.Clusters[0].Results {
		status[res.ID] = res.Status + ": " + res.Reason
	}
	for id, want := range map[string]string{
		"TKO-CP-001":    "PASS: 3 control-plane nodes",
		"TKO-HA-001":    "PASS: NSX Advanced Load Balancer",
		"TKO-IDM-001":   "PASS: JWTAuthenticator tkg-jwt-authenticator is Ready",
		"TKO-PKG-001":   "FAIL: missing: grafana; not reconciled: tanzu-packages/prometheus",
		"TKO-AUDIT-001": "PASS",
		"TKO-VER-001":   "PASS",
	} {
		if !strings.HasPrefix(status[id], want) {
			t.Errorf("%s: %q, want %q", id, status[id], want)
		}
	}
	// JUnit for pipelines.
	e.Kubectl("tko", "cluster", "audit", "wc-team-a", "-n", "team-a", "-o", "junit").ExitCode(explain.ExitFailure).
		StdoutContains(`<testsuite name="team-a/wc-team-a"`, `<failure message="no MachineHealthCheck`, "TKO-VER-001")
	// Chaining: names from list, found in whichever namespace holds them.
	r = e.Command("bash", "-c", "kubectl tko cluster list -A -o name | xargs -n1 kubectl tko cluster audit --no-headers").Run()
	for _, name := range []string{"wc-prod-1", "wc-dev-1", "wc-team-a", "wc-failed", "wc-retired"} {
		r.StdoutContains("\t" + name + "\tTKO-CP-001")
	}
	e.Kubectl("tko", "cluster", "audit", "wc-nope").ExitCode(explain.ExitNotFound).OneLineError(`cluster "wc-nope" not found`)
}

// TestClusterCommandsWithLimitedRBAC: a user who may read clusters but not
// change them gets a clear refusal from every verb that writes.
func TestClusterCommandsWithLimitedRBAC(t *testing.T) {
	e := suite.New(t)
	ns := newCluster(t, e, "wc-rbac")
	e.Kubectl("create", "role", "cluster-reader", "-n", ns, "--verb=get,list,watch", "--resource=clusters.cluster.x-k8s.io,clusterclasses.cluster.x-k8s.io,machines.cluster.x-k8s.io,machinedeployments.cluster.x-k8s.io,machinehealthchecks.cluster.x-k8s.io").Success()
	e.Kubectl("create", "rolebinding", "viewer", "-n", ns, "--role=cluster-reader", "--user="+localcp.ViewerUser).Success()
	e.Kubectl("create", "clusterrole", "tkr-reader-"+ns, "--verb=get,list", "--resource=tanzukubernetesreleases.run.tanzu.vmware.com").Success()
	e.Kubectl("create", "clusterrolebinding", "tkr-reader-"+ns, "--clusterrole=tkr-reader-"+ns, "--user="+localcp.ViewerUser).Success()
	as := []string{"-n", ns, "--as", localcp.ViewerUser}
	e.Kubectl(append([]string{"tko", "cluster", "list"}, as...)...).Success().StdoutContains("wc-rbac")
	e.Kubectl(append([]string{"tko", "cluster", "describe", "wc-rbac"}, as...)...).Success()
	e.Kubectl(append([]string{"tko", "cluster", "scale", "wc-rbac", "--controlplane", "5"}, as...)...).ExitCode(explain.ExitForbidden).
		OneLineError(`user "tko-viewer" may not update clusters.cluster.x-k8s.io in namespace "` + ns + `"`)
	e.Kubectl(append([]string{"tko", "cluster", "delete", "wc-rbac", "--yes"}, as...)...).ExitCode(explain.ExitForbidden).OneLineError("may not delete clusters.cluster.x-k8s.io")
	e.Kubectl(append([]string{"tko", "cluster", "create", "wc-rbac2", "-f", testdata(t, "wc-new.yaml"), "--tkr", "v1.29.9---vmware.1-tkg.1"}, as...)...).ExitCode(explain.ExitForbidden).OneLineError("may not patch clusters.cluster.x-k8s.io")
	e.Kubectl(append([]string{"tko", "cluster", "kubeconfig", "get", "wc-rbac", "--admin"}, as...)...).ExitCode(explain.ExitForbidden).OneLineError("may not get secrets")

	// A user who may change a cluster but not list or watch it: --wait
	// ends with the refusal (exit 7) instead of retrying it until the
	// timeout (exit 4).
	e.Kubectl("create", "role", "cluster-scaler", "-n", ns, "--verb=get,patch,update", "--resource=clusters.cluster.x-k8s.io").Success()
	e.Kubectl("create", "rolebinding", "scaler", "-n", ns, "--role=cluster-scaler", "--user=tko-scaler").Success()
	e.Kubectl("create", "clusterrolebinding", "tkr-reader-scaler-"+ns, "--clusterrole=tkr-reader-"+ns, "--user=tko-scaler").Success()
	e.Kubectl("tko", "cluster", "scale", "wc-rbac", "-n", ns, "--as", "tko-scaler", "--controlplane", "5", "--wait", "--timeout", "20s").ExitCode(explain.ExitForbidden).
		StdoutContains("spec.topology.controlPlane.replicas: 3 → 5").OneLineError(`user "tko-scaler" may not list clusters.cluster.x-k8s.io`, "kubectl auth can-i list")
}
