package packages

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
)

// newerPackage needs Kubernetes 1.37 or later: the API server here runs
// v1.37.2, so kapp-controller installs it, and a plan to an older target
// finds it unsupported.
const newerPackage = `apiVersion: data.packaging.carvel.dev/v1alpha1
kind: PackageMetadata
metadata: {name: newer.tko.dev}
spec: {displayName: newer, shortDescription: "Needs a recent Kubernetes"}
---
apiVersion: data.packaging.carvel.dev/v1alpha1
kind: Package
metadata: {name: newer.tko.dev.2.0.0}
spec:
  refName: newer.tko.dev
  version: 2.0.0
  kubernetesVersionSelection: {constraints: ">=1.37.0"}
  template:
    spec:
      fetch:
      - inline:
          paths:
            config.yml: |
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: newer}
              data: {since: "1.37"}
      template:
      - ytt: {}
      deploy:
      - kapp: {}
`

var (
	clustersGVR = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	secretsGVR  = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// TestUpgradePlanPackages plans a workload cluster whose API server is
// this one (its kubeconfig Secret is wc-prod-1's) where real kapp-controller
// installed a package whose Package declares a kubernetesVersionSelection
// the planned target does not satisfy.
func TestUpgradePlanPackages(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "packages", "newer.tko.dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "packages", "newer.tko.dev", "2.0.0.yml"), []byte(newerPackage), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "package", "repository", "add", "newer", "-n", ns, "--inline-dir", dir, "--wait").Success()
	e.Kubectl("tko", "package", "install", "newer", "-p", "newer.tko.dev", "-n", ns, "--wait").Success()

	// A cluster at v1.29: the test plays Cluster API, writing its status
	// through the status subresource.
	now := time.Now().UTC().Format(time.RFC3339)
	cluster := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": "wc-pkgs", "namespace": ns},
		"spec":     map[string]any{"topology": map[string]any{"classRef": map[string]any{"name": "tkg-vsphere-default-v1.2.0"}, "version": "v1.29.9+vmware.1"}},
	}}
	created, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Create(ctx, cluster, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	created.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Available", "status": "True", "reason": "Available",
		"message": "", "lastTransitionTime": now, "observedGeneration": created.GetGeneration()}}}
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	prod := get(t, secretsGVR, "default", "wc-prod-1-kubeconfig")
	secret := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata": map[string]any{"name": "wc-pkgs-kubeconfig", "namespace": ns}, "data": prod.Object["data"]}}
	if _, err := suite.Dyn.Resource(secretsGVR).Namespace(ns).Create(ctx, secret, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	r := e.Kubectl("tko", "cluster", "upgrade", "plan", "wc-pkgs", "-n", ns, "-o", "json").Run()
	var plan upgradeplan.Plan
	if err := json.Unmarshal([]byte(r.Stdout), &plan); err != nil || len(plan.Clusters) != 1 {
		t.Fatalf("not a plan of one cluster: %v\n%s%s", err, r.Stdout, r.Stderr)
	}
	var found *upgradeplan.Finding
	for i, b := range plan.Clusters[0].Blockers {
		if b.Code == upgradeplan.CodePackage && b.Object == "PackageInstall/"+ns+"/newer" {
			found = &plan.Clusters[0].Blockers[i]
		}
	}
	if found == nil || !strings.Contains(found.Cause, "package newer.tko.dev 2.0.0 needs Kubernetes >=1.37.0, the target runs v1.30.2+vmware.1") {
		t.Fatalf("no blocker for the package: %+v", plan.Clusters[0].Blockers)
	}
	if r.Code != 1 {
		t.Errorf("exit code %d for a blocked cluster", r.Code)
	}
}
