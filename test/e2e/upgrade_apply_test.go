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

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun/upgraderuntest"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// upgradable creates a Cluster at v1.29.9 in ns with copies of two of
// wc-prod-1's Machines at that version, and a kubeconfig Secret holding
// kubeconfig (its workload API server). The test plays Cluster API:
// status goes through the status subresource.
func upgradable(t *testing.T, ns, name string, canary bool, kubeconfig []byte) {
	t.Helper()
	u := upgraderuntest.Upgradable{Namespace: ns, Name: name, Version: "v1.29.9+vmware.1", TKR: "v1.29.9---vmware.1-tkg.1",
		Class: "tkg-vsphere-default-v1.2.0", MachinesOfNamespace: "default", MachinesOf: "wc-prod-1", Machines: 2, Kubeconfig: kubeconfig}
	if canary {
		u.Labels = map[string]string{"tko.tanzu.vmware.com/canary": "true"}
	}
	if err := u.Create(context.Background(), suite.Dyn); err != nil {
		t.Fatalf("cluster %s/%s: %v", ns, name, err)
	}
}

// TestUpgradeApply plans two clusters (a canary wave, then one) whose
// workload API server is a real kube-apiserver of their own, healthy
// (the suite's holds the seed's failing packages), runs the plan with its state in a ConfigMap of the
// test namespace and a played topology controller: the second cluster
// never becomes Available, so the run stops there; once it is fixed,
// --resume finishes without writing the first cluster again.
func TestUpgradeApply(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	kubeconfig := suite.WorkloadAPIServer(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	upgradable(t, ns, "wc-up-a", true, kubeconfig)
	upgradable(t, ns, "wc-up-b", false, kubeconfig)
	topo := &upgraderuntest.Topology{Dyn: suite.Dyn, Namespace: ns}
	topo.Break(ns + "/wc-up-b")
	go topo.Run(ctx)

	r := e.Kubectl("tko", "cluster", "upgrade", "plan", "-n", ns, "-o", "yaml").Run()
	if r.Code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.Code, r.Stderr)
	}
	file := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(file, []byte(r.Stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	apply := func(args ...string) *harness.Result {
		return e.Kubectl(append([]string{"tko", "cluster", "upgrade"}, append(args, "--state-namespace", ns)...)...).Run()
	}
	apply("apply", "--plan", file, "--dry-run").Success().StdoutContains(
		"wave 1 of 2:\n  back up " + ns + "/wc-up-a (Velero, whole cluster)\n  upgrade cluster " + ns + "/wc-up-a: v1.29.9+vmware.1 → v1.30.2+vmware.1 (v1.30.2---vmware.1-tkg.1)\n")

	apply("apply", "--plan", file, "--skip-backup", "--timeout", "5s").ExitCode(explain.ExitTimeout).StderrContains(
		"stopped in wave 2 of 2 (done: " + ns + "/wc-up-a; failed: " + ns + "/wc-up-b; not done: none); fix it, then resume: kubectl tko cluster upgrade apply --resume --state-namespace " + ns)
	a, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(ctx, "wc-up-a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if v, _, _ := unstructured.NestedString(a.Object, "spec", "topology", "version"); v != "v1.30.2+vmware.1" || topo.Rolled(ns+"/wc-up-a") != 2 {
		t.Errorf("wc-up-a at %s, %d machines rolled", v, topo.Rolled(ns+"/wc-up-a"))
	}
	apply("apply", "--plan", file, "--skip-backup").ExitCode(explain.ExitUsage).OneLineError("an upgrade run is Failed in namespace " + ns)
	apply("status").Success().StdoutContains(ns + "/wc-up-b\tFailed\t0/1\tv1.29.9+vmware.1\t0/2\t-\ttimed out after 5s")

	topo.Fix(ns + "/wc-up-b")
	apply("apply", "--resume", "--timeout", "60s").Success().StdoutContains(ns + "/wc-up-b\tDone\t1/1\tv1.30.2+vmware.1\t2/2")
	after, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(ctx, "wc-up-a", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if after.GetGeneration() != a.GetGeneration() {
		t.Errorf("the resume wrote wc-up-a again: generation %d → %d", a.GetGeneration(), after.GetGeneration())
	}
	var run upgraderun.Run
	st := apply("status", "-o", "json").Success()
	if err := json.Unmarshal([]byte(st.Stdout), &run); err != nil || run.Phase != upgraderun.PhaseFinished || len(run.Clusters) != 2 {
		t.Errorf("status: %v %+v", err, run)
	}
	if !strings.Contains(apply("abort").Success().Stdout, "the upgrade run is Finished: nothing to abort") {
		t.Errorf("abort of a finished run")
	}

	// The demo's lines: the seeded cluster is blocked, so nothing would
	// run; no run is stored in tkg-system.
	e.Kubectl("tko", "cluster", "upgrade", "apply", "wc-team-a", "-n", "team-a", "--dry-run").Success().
		StderrContains("blocker: team-a/wc-team-a: ClusterNotHealthy", "nothing to upgrade: no cluster of the plan is in a wave")
	e.Kubectl("tko", "cluster", "upgrade", "status").ExitCode(explain.ExitNotFound).OneLineError("no upgrade run in namespace tkg-system")
}
