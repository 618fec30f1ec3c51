package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
)

var (
	crdsGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	pdbsGVR = schema.GroupVersionResource{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"}
)

const widgetsGroup = "upgradeplan.e2e.tko.example.com"

// deprecatedCRD serves widgets in v1beta1, marked deprecated, and v1.
func deprecatedCRD(t *testing.T) {
	t.Helper()
	version := func(name string, storage, deprecated bool) map[string]any {
		return map[string]any{"name": name, "served": true, "storage": storage, "deprecated": deprecated,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}
	}
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "widgets." + widgetsGroup},
		"spec": map[string]any{"group": widgetsGroup, "scope": "Namespaced",
			"names":    map[string]any{"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
			"versions": []any{version("v1beta1", false, true), version("v1", true, false)}},
	}}
	ctx := context.Background()
	if _, err := suite.Dyn.Resource(crdsGVR).Create(ctx, crd, metav1.CreateOptions{}); err != nil {
		t.Fatalf("creating the CRD: %v", err)
	}
	t.Cleanup(func() { _ = suite.Dyn.Resource(crdsGVR).Delete(ctx, crd.GetName(), metav1.DeleteOptions{}) })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		u, err := suite.Dyn.Resource(crdsGVR).Get(ctx, crd.GetName(), metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
			for _, c := range conds {
				if m, _ := c.(map[string]any); m["type"] == "Established" && m["status"] == "True" {
					return
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the CRD was not Established within 30s")
}

// TestUpgradePlan plans a workload cluster whose API server is the real
// kube-apiserver of the suite (the seed's kubeconfig Secrets point at it):
// a CRD version marked deprecated that the test reads once appears in the
// server's own apiserver_requested_deprecated_apis and in the plan as a
// warning; a real PodDisruptionBudget with maxUnavailable 0 blocks it
// until it allows a disruption; the seeded TanzuKubernetesRelease the
// Supervisor does not mark Compatible blocks a chain through it.
func TestUpgradePlan(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	ctx := context.Background()
	deprecatedCRD(t)
	e.Kubectl("get", "widgets.v1beta1."+widgetsGroup, "-n", ns).Success()

	// A cluster at v1.29 whose kubeconfig Secret is wc-prod-1's: its API
	// server is this one. The test plays Cluster API: the status goes
	// through the status subresource.
	cluster := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": "wc-plan", "namespace": ns, "labels": map[string]any{"run.tanzu.vmware.com/tkr": "v1.29.9---vmware.1-tkg.1"}},
		"spec":     map[string]any{"topology": map[string]any{"classRef": map[string]any{"name": "tkg-vsphere-default-v1.2.0"}, "version": "v1.29.9+vmware.1"}},
	}}
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Create(ctx, cluster, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	markAvailable(t, ns, "wc-plan", 1, 0)
	secrets := schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	prod, err := suite.Dyn.Resource(secrets).Namespace("default").Get(ctx, "wc-prod-1-kubeconfig", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	secret := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata": map[string]any{"name": "wc-plan-kubeconfig", "namespace": ns}, "data": prod.Object["data"]}}
	if _, err := suite.Dyn.Resource(secrets).Namespace(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pdb := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
		"metadata": map[string]any{"name": "db", "namespace": ns},
		"spec":     map[string]any{"maxUnavailable": int64(0), "selector": map[string]any{"matchLabels": map[string]any{"app": "db"}}}}}
	if _, err := suite.Dyn.Resource(pdbsGVR).Namespace(ns).Create(ctx, pdb, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	planOf := func() upgradeplan.Cluster {
		t.Helper()
		r := e.Kubectl("tko", "cluster", "upgrade", "plan", "wc-plan", "-n", ns, "-o", "json").Run()
		var plan upgradeplan.Plan
		if err := json.Unmarshal([]byte(r.Stdout), &plan); err != nil {
			t.Fatalf("not a plan: %v\n%s%s", err, r.Stdout, r.Stderr)
		}
		if plan.Kind != upgradeplan.Kind || len(plan.Clusters) != 1 {
			t.Fatalf("plan %+v", plan)
		}
		if blocked := len(plan.Clusters[0].Blockers) > 0; blocked != (r.Code == explain.ExitFailure) {
			t.Errorf("exit code %d with blockers %+v", r.Code, plan.Clusters[0].Blockers)
		}
		return plan.Clusters[0]
	}
	find := func(fs []upgradeplan.Finding, code, object string) bool {
		for _, f := range fs {
			if f.Code == code && f.Object == object {
				return true
			}
		}
		return false
	}
	c := planOf()
	if c.CurrentVersion != "v1.29.9+vmware.1" || c.Next() != "v1.30.2---vmware.1-tkg.1" || c.ResourceVersion == "" || c.Wave != 0 {
		t.Errorf("cluster %+v", c)
	}
	// The seeded management cluster is at v1.30: no blocker of its own here.
	if find(c.Blockers, upgradeplan.CodeManagementTooOld, "Cluster/tkg-system/tkg-mgmt") {
		t.Errorf("blocked by the management cluster: %+v", c.Blockers)
	}
	if !find(c.Blockers, upgradeplan.CodePDB, "PodDisruptionBudget/"+ns+"/db") {
		t.Errorf("no blocker for the PodDisruptionBudget: %+v", c.Blockers)
	}
	if !find(c.Warnings, upgradeplan.CodeDeprecatedUnknown, "widgets "+widgetsGroup+"/v1beta1") {
		t.Errorf("no warning for the deprecated CRD version the server reports: %+v", c.Warnings)
	}
	table := e.Kubectl("tko", "cluster", "upgrade", "plan", "wc-plan", "-n", ns).ExitCode(explain.ExitFailure)
	row := rowOf(t, table.Stdout, "wc-plan", 0)
	if row[1] != "v1.29.9+vmware.1" || row[2] != "v1.30.2---vmware.1-tkg.1" || row[4] != "-" {
		t.Errorf("row %q", row)
	}
	table.StderrContains("blocker: "+ns+"/wc-plan: PodDisruptionBudgetBlocksDrain: PodDisruptionBudget/"+ns+"/db maxUnavailable 0",
		"warning: "+ns+"/wc-plan: DeprecatedAPIInUse: clients request the deprecated API widgets "+widgetsGroup+"/v1beta1")

	// Allowing one disruption lifts that blocker.
	patch := []byte(`{"spec":{"maxUnavailable":1}}`)
	if _, err := suite.Dyn.Resource(pdbsGVR).Namespace(ns).Patch(ctx, "db", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if c := planOf(); find(c.Blockers, upgradeplan.CodePDB, "PodDisruptionBudget/"+ns+"/db") {
		t.Errorf("the PodDisruptionBudget allows a disruption and still blocks: %+v", c.Blockers)
	}

	// Through a release the Supervisor does not mark Compatible: each step
	// planned, the blocker with its condition's message.
	tkc := e.Kubectl("tko", "cluster", "upgrade", "plan", "tkc-prod-1", "-n", "vsphere-team-a", "--to", "v1.28.8---vmware.1-fips.1-tkg.2", "-o", "wide").ExitCode(explain.ExitFailure)
	tkc.StdoutContains("v1.27.11+vmware.1-fips.1 → v1.28.8+vmware.1-fips.1")
	tkc.StderrContains("TKRNotCompatible: TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 is not Compatible: TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 needs Supervisor v8.0.3 or later")

	// The demo's line: the seeded fleet, blocked clusters and why.
	fleet := e.Kubectl("tko", "cluster", "upgrade", "plan", "--all-workload-clusters").ExitCode(explain.ExitFailure)
	if row := rowOf(t, fleet.Stdout, "wc-prod-1", 0); row[2] != "v1.31.1---vmware.2-tkg.2" ||
		!strings.HasPrefix(row[3], "the management cluster tkg-mgmt runs v1.30.2+vmware.1, older than the target v1.31.1+vmware.2") {
		t.Errorf("wc-prod-1 in the fleet plan: %q", row)
	}
	fleet.StdoutLacks("tkg-mgmt\t").StderrContains("note: tkg-system/tkg-mgmt (v1.30.2+vmware.1): the management cluster is in no wave",
		"blocker: team-a/wc-team-a: ClusterNotHealthy: the cluster is Degraded")

	// Bad input, one line each, nothing read from a workload cluster.
	e.Kubectl("tko", "cluster", "upgrade", "plan", "wc-plan", "-n", ns, "--to", "v1.99.0---vmware.1-tkg.1").ExitCode(explain.ExitNotFound).OneLineError("v1.99.0---vmware.1-tkg.1")
	e.Kubectl("tko", "cluster", "upgrade", "plan", "wc-prod-1", "--to", "v1.29.9---vmware.1-tkg.1").ExitCode(explain.ExitUsage).OneLineError("older than default/wc-prod-1 (v1.30.2+vmware.1)")

	// `upgrade NAME --tkr` is still the upgrade of one cluster.
	e.Kubectl("tko", "cluster", "upgrade", "wc-plan", "-n", ns, "--tkr", "v1.30.2---vmware.1-tkg.1", "--dry-run").Success().
		StdoutContains("cluster.cluster.x-k8s.io/wc-plan would change (dry run)")
}
