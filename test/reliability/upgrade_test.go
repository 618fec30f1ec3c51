package reliability

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
)

// TestUpgradeApplyInterrupts: SIGINT and SIGTERM while 'upgrade apply'
// waits for a cluster it upgraded end with exit 5 and, after its progress
// lines (one per event, as 'package apply' prints them), one error line
// saying where the run stopped and how to resume it; the run stays
// resumable and the resume waits on the cluster, never writing it again.
// The workload API server is a bare kube-apiserver of its own (the
// suite's holds the seed's failing packages, which the health gate reads).
func TestUpgradeApplyInterrupts(t *testing.T) {
	kubeconfig := suite.WorkloadAPIServer(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := map[syscall.Signal]string{syscall.SIGINT: "int", syscall.SIGTERM: "term"}[sig]
		t.Run(name, func(t *testing.T) {
			e := suite.New(t)
			ns, cluster := e.Namespace(), "wc-up-"+name
			upgradeCluster(t, ns, cluster, kubeconfig)
			r := e.Plugin("kubectl-tko-cluster", "upgrade", "apply", "--plan", upgradePlan(t, ns, cluster), "--skip-backup", "--state-namespace", ns).
				SignalOn("Upgrading to", sig).Run()
			lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
			says := fmt.Sprintf("error: stopped in wave 1 of 1 (done: none; not done: %s/%s); resume: kubectl tko cluster upgrade apply --resume --state-namespace %s: interrupted", ns, cluster, ns)
			var err error
			if r.Code != explain.ExitInterrupted || !strings.HasPrefix(lines[len(lines)-1], says) || forbidden.MatchString(r.Stdout+r.Stderr) {
				err = fmt.Errorf("%s: exit %d, the last line is not %q\n%s", r.Line(), r.Code, says, r.Stderr)
			}
			tally(t, err, "the interrupt")
			tally(t, interruptedState(ns, cluster), "the state after the interrupt")
			// Cluster API (the test) makes the cluster Available at its new
			// generation, through the status subresource, once the resume waits.
			rerun := e.Plugin("kubectl-tko-cluster", "upgrade", "apply", "--resume", "--state-namespace", ns).On("Upgrading to", func() {
				if err := available(ns, cluster, 2); err != nil {
					t.Error(err)
				}
			}).Run()
			err = nil
			if want := ns + "/" + cluster + "\tDone\t1/1\tv1.30.2+vmware.1"; rerun.Code != 0 || !strings.Contains(rerun.Stdout, want) ||
				!strings.Contains(rerun.Stderr, "(written before: waited on, not upgraded again)") {
				err = fmt.Errorf("%s: exit %d, stdout does not hold %q\n%s%s", rerun.Line(), rerun.Code, want, rerun.Stdout, rerun.Stderr)
			}
			tally(t, err, "the resume")
		})
	}
}

// interruptedState: the cluster's version written once, the run stored
// Running and released for a resume.
func interruptedState(ns, name string) error {
	u, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	if v, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version"); v != "v1.30.2+vmware.1" || u.GetGeneration() != 2 {
		return fmt.Errorf("cluster at %s, generation %d", v, u.GetGeneration())
	}
	cm, err := suite.Dyn.Resource(configMaps).Namespace(ns).Get(context.Background(), upgraderun.ConfigMapName, metav1.GetOptions{})
	if err != nil {
		return err
	}
	var run upgraderun.Run
	data, _, _ := unstructured.NestedString(cm.Object, "data", "run")
	if err := json.Unmarshal([]byte(data), &run); err != nil {
		return err
	}
	if run.Phase != upgraderun.PhaseRunning || run.Holder != "" || run.Clusters[0].State != upgraderun.StateUpgrading {
		return fmt.Errorf("stored run %s held by %q, cluster %s", run.Phase, run.Holder, run.Clusters[0].State)
	}
	return nil
}

// upgradeCluster creates an Available Cluster at v1.29.9 without
// machines, and its kubeconfig Secret holding kubeconfig.
func upgradeCluster(t *testing.T, ns, name string, kubeconfig []byte) {
	t.Helper()
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": ns},
		"spec":     map[string]any{"topology": map[string]any{"classRef": map[string]any{"name": "tkg-vsphere-default-v1.2.0"}, "version": "v1.29.9+vmware.1"}},
	}}
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Create(context.Background(), u, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := available(ns, name, 1); err != nil {
		t.Fatal(err)
	}
	secret := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata": map[string]any{"name": name + "-kubeconfig", "namespace": ns},
		"data":     map[string]any{"value": base64.StdEncoding.EncodeToString(kubeconfig)}}}
	if _, err := suite.Dyn.Resource(secrets).Namespace(ns).Create(context.Background(), secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// available writes the Available condition at a generation through the
// status subresource, as Cluster API does.
func available(ns, name string, generation int64) error {
	client := suite.Dyn.Resource(clustersGVR).Namespace(ns)
	u, err := client.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	u.Object["status"] = map[string]any{"phase": "Provisioned", "observedGeneration": generation,
		"conditions": []any{map[string]any{"type": "Available", "status": "True", "reason": "Available", "message": "", "lastTransitionTime": now, "observedGeneration": generation}}}
	_, err = client.UpdateStatus(context.Background(), u, metav1.UpdateOptions{})
	return err
}

// upgradePlan writes a one-wave plan of the cluster, as 'upgrade plan'
// would (without a resourceVersion: not checked).
func upgradePlan(t *testing.T, ns, name string) string {
	plan := fmt.Sprintf(`apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: UpgradePlan
metadata: {generatedAt: "2026-01-01T00:00:00Z"}
spec: {canarySelector: "", waveSize: "25%%", backupMaxAge: 24h0m0s}
clusters:
- {namespace: %[1]s, name: %[2]s, kind: Cluster, resourceVersion: "", currentVersion: v1.29.9+vmware.1, wave: 1,
   steps: [{kubernetesVersion: v1.30.2+vmware.1, tkr: v1.30.2---vmware.1-tkg.1}], blockers: []}
waves:
- {number: 1, clusters: [%[1]s/%[2]s]}
`, ns, name)
	file := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(file, []byte(plan), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}
