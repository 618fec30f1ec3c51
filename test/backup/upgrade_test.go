package backup

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun/upgraderuntest"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

const (
	upgradeFrom = "v1.29.9+vmware.1"
	upgradeTo   = "v1.30.2+vmware.1"
)

// upgradeWithVeleroBackup runs `cluster upgrade apply` over one cluster
// whose kubeconfig Secret, like the seeded ones, points at this control
// plane: the pre-upgrade backup is taken by the real Velero and must be
// Completed in the store before the Cluster's version is written. The
// test plays Cluster API's topology controller (upgraderuntest), which
// writes status through the status subresource.
func upgradeWithVeleroBackup(t *testing.T, s harness.Store) {
	e := suite.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ns := e.Namespace()
	// The plan blocks a cluster with health errors or no recent backup, as
	// an operator finds them: this control plane holds the seed's failing
	// package (the test plays kapp-controller reconciling it again, through
	// the status subresource) and crash-looping pod, and, run alone, no backup.
	e.Kubectl("patch", "packageinstall", "prometheus", "-n", "tanzu-packages", "--subresource", "status", "--type", "merge", "-p",
		`{"status":{"conditions":[{"type":"ReconcileSucceeded","status":"True"}],"friendlyDescription":"Reconcile succeeded","usefulErrorMessage":""}}`).Success()
	e.Kubectl("delete", "pod", "fluent-bit-x7k2q", "-n", "tanzu-system-logging", "--grace-period=0", "--force").Success()
	e.Kubectl("tko", "cluster", "backup", "create", "before-upgrade", "--include-namespaces", ns, "--wait", "--timeout", "1m").Timeout(90 * time.Second).Success()
	upgradableCluster(t, e, ns, "wc-up")
	topo := &upgraderuntest.Topology{Dyn: e.Dyn(), Namespace: ns}
	go topo.Run(ctx)

	// Watch for the upgrade being written and note the phase of the
	// pre-upgrade backup at that moment.
	var mu sync.Mutex
	phaseAtUpgrade := ""
	go func() {
		for ctx.Err() == nil {
			c, err := e.Dyn().Resource(upgraderuntest.Clusters).Namespace(ns).Get(ctx, "wc-up", metav1.GetOptions{})
			if v, _, _ := unstructured.NestedString(c.Object, "spec", "topology", "version"); err == nil && v == upgradeTo {
				phase := "none"
				if list, err := e.Dyn().Resource(backup.Backups).Namespace("velero").List(ctx, metav1.ListOptions{}); err == nil {
					for i := range list.Items {
						if strings.HasPrefix(list.Items[i].GetName(), "tko-pre-upgrade-wc-up") {
							phase = backup.OutcomeOf(&list.Items[i]).Phase
						}
					}
				}
				mu.Lock()
				phaseAtUpgrade = phase
				mu.Unlock()
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()

	begin := time.Now()
	r := e.Kubectl("tko", "cluster", "upgrade", "apply", "wc-up", "-n", ns, "--state-namespace", ns, "--timeout", "2m").
		Timeout(3 * time.Minute).Run()
	if r.Code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r.StdoutContains(ns + "/wc-up\tDone\t1/1\t" + upgradeTo + "\t2/2")
	t.Logf("backup and upgrade in %s", time.Since(begin).Round(100*time.Millisecond))

	// The run names its backup; Velero completed it and its files are in the bucket.
	name := ""
	for _, line := range e.Kubectl("tko", "cluster", "upgrade", "status", "--state-namespace", ns, "-o", "jsonpath={.clusters[0].backup}").Success().StdoutLines() {
		name = strings.TrimSpace(line)
	}
	if !strings.HasPrefix(name, "tko-pre-upgrade-wc-up") {
		t.Fatalf("the run names backup %q", name)
	}
	if !strings.Contains(r.Stderr, "velero backup "+name+" Completed") {
		t.Errorf("apply did not report the backup:\n%s", r.Stderr)
	}
	e.Kubectl("tko", "cluster", "backup", "get", name).Success().StdoutContains("Phase:               Completed")
	if files := bucketHas(t, s, "backups/"+name); !contains(files, name+".tar.gz") {
		t.Errorf("bucket: %v", files)
	}
	mu.Lock()
	defer mu.Unlock()
	if phaseAtUpgrade != backup.PhaseCompleted {
		t.Errorf("when the upgrade was written, the pre-upgrade backup was %q, not Completed", phaseAtUpgrade)
	}
	if n := topo.Rolled(ns + "/wc-up"); n != 2 {
		t.Errorf("%d machines rolled, want 2", n)
	}
}

// upgradableCluster creates a Cluster at upgradeFrom in ns with copies of
// two of wc-prod-1's Machines and of its kubeconfig (this control plane),
// Available: status written through the status subresource.
func upgradableCluster(t *testing.T, e *harness.Env, ns, name string) {
	t.Helper()
	ctx := context.Background()
	secret, err := e.Dyn().Resource(secretsGVR).Namespace("default").Get(ctx, "wc-prod-1-kubeconfig", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, _, _ := unstructured.NestedString(secret.Object, "data", "value")
	kubeconfig, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		t.Fatal(err)
	}
	u := upgraderuntest.Upgradable{Namespace: ns, Name: name, Version: upgradeFrom, TKR: "v1.29.9---vmware.1-tkg.1", Class: "tkg-vsphere-default-v1.2.0",
		MachinesOfNamespace: "default", MachinesOf: "wc-prod-1", Machines: 2, Kubeconfig: kubeconfig}
	if err := u.Create(ctx, e.Dyn()); err != nil {
		t.Fatal(err)
	}
}
