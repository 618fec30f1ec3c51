// Package kapp checks the local control plane's real kapp-controller: the
// ground the package plugin is tested on.
package kapp

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

var (
	dyn      dynamic.Interface
	repos    = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packagerepositories"}
	installs = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packageinstalls"}
	packages = schema.GroupVersionResource{Group: "data.packaging.carvel.dev", Version: "v1alpha1", Resource: "packages"}
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("skipped under -short: these tests need a local control plane (kube-apiserver, etcd, kapp-controller)")
		os.Exit(0)
	}
	os.Exit(testenv.RunTests(m, testenv.Options{KappController: true}, 4*time.Minute, func(r testenv.Running) error { dyn = r.Dyn; return nil }))
}

func apply(t *testing.T, yamlText string) {
	t.Helper()
	objs, err := localcp.DecodeYAML([]byte(yamlText))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		o.Object = yamldoc.Normalize(o.Object).(map[string]any)
		gvr := map[string]schema.GroupVersionResource{"PackageRepository": repos, "PackageInstall": installs,
			"ServiceAccount": {Version: "v1", Resource: "serviceaccounts"}, "ClusterRoleBinding": {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}}[o.GetKind()]
		var ri dynamic.ResourceInterface = dyn.Resource(gvr)
		if o.GetNamespace() != "" {
			ri = dyn.Resource(gvr).Namespace(o.GetNamespace())
		}
		if _, err := ri.Create(context.Background(), o, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
}

// reconciled waits by watch for ReconcileSucceeded or ReconcileFailed at
// the current generation and returns the final object.
func reconciled(t *testing.T, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := wait.For(context.Background(), wait.Spec{
		Client: dyn.Resource(gvr).Namespace(ns), Namespace: ns, Name: name, What: name + " to reconcile", Timeout: 90 * time.Second,
		Check: func(u *unstructured.Unstructured) (bool, error) {
			if u == nil || !wait.Observed(u) {
				return false, nil
			}
			conds := wait.Conditions(u)
			for _, want := range []string{"ReconcileSucceeded", "ReconcileFailed"} {
				if c, ok := wait.Find(conds, want); ok && c.Status == "True" {
					return true, nil
				}
			}
			return false, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestInlineRepositoryAndInstalls(t *testing.T) {
	raw, err := os.ReadFile("../testdata/hello-repo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	apply(t, string(raw))
	repo := reconciled(t, repos, localcp.KappGlobalNamespace, "tko-local")
	if c, _ := wait.Find(wait.Conditions(repo), "ReconcileSucceeded"); c.Status != "True" {
		msg, _, _ := unstructured.NestedString(repo.Object, "status", "usefulErrorMessage")
		t.Fatalf("repository did not reconcile: %s", msg)
	}
	// The aggregated Package API serves what the repository holds.
	pkgs, err := dyn.Resource(packages).Namespace("default").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs.Items) != 1 || pkgs.Items[0].GetName() != "hello.tko.dev.1.0.0+vmware.1" {
		t.Fatalf("packages: %v", pkgs.Items)
	}

	apply(t, `apiVersion: v1
kind: ServiceAccount
metadata: {name: pkg-sa, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: pkg-sa}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: ServiceAccount, name: pkg-sa, namespace: default}]
---
apiVersion: packaging.carvel.dev/v1alpha1
kind: PackageInstall
metadata: {name: hello, namespace: default}
spec:
  serviceAccountName: pkg-sa
  packageRef: {refName: hello.tko.dev, versionSelection: {constraints: 1.0.0+vmware.1}}
`)
	pi := reconciled(t, installs, "default", "hello")
	if c, _ := wait.Find(wait.Conditions(pi), "ReconcileSucceeded"); c.Status != "True" {
		msg, _, _ := unstructured.NestedString(pi.Object, "status", "usefulErrorMessage")
		t.Fatalf("install did not reconcile: %s", msg)
	}
	cm, err := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}).Namespace("default").Get(context.Background(), "hello", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g, _, _ := unstructured.NestedString(cm.Object, "data", "greeting"); g != "hi" {
		t.Errorf("deployed ConfigMap greeting %q", g)
	}
}
