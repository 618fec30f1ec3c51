// Package packages runs `kubectl tko package` through the real kubectl
// against a real kapp-controller (v0.51.0, with its aggregated Package
// API) on the local control plane, seeded with an inline repository of
// packages named like TKG's (each deploys a ConfigMap: nothing here needs
// a kubelet).
package packages

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var suite harness.Suite

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("skipped under -short: these tests need a local control plane (kube-apiserver, etcd, kapp-controller)")
		os.Exit(0)
	}
	os.Exit(harness.Main(m, &suite, testenv.Options{Seed: true, KappController: true}))
}

var repoReady sync.Once

// ready waits until kapp-controller has reconciled the seeded repository.
func ready(t *testing.T) {
	t.Helper()
	var err error
	repoReady.Do(func() {
		c := &carvel.Client{Dyn: suite.Dyn}
		_, err = c.WaitRepository(context.Background(), seed.LocalRepositoryNamespace, seed.LocalRepository, carvel.WaitOptions{Timeout: 2 * time.Minute})
	})
	if err != nil {
		t.Fatalf("the seeded repository did not reconcile: %v", err)
	}
}

func get(t *testing.T, gvr schema.GroupVersionResource, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := suite.Dyn.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting %s %s/%s: %v", gvr.Resource, ns, name, err)
	}
	return u
}

func absent(t *testing.T, gvr schema.GroupVersionResource, ns, name string) {
	t.Helper()
	_, err := suite.Dyn.Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err == nil {
		t.Fatalf("%s %s/%s exists; it should not", gvr.Resource, ns, name)
	}
}

// empty checks that a namespace holds no install and nothing created for one.
func empty(t *testing.T, ns string) {
	t.Helper()
	for _, gvr := range []schema.GroupVersionResource{carvel.Installs, carvel.Secrets, carvel.Roles} {
		list, err := suite.Dyn.Resource(gvr).Namespace(ns).List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) > 0 {
			t.Fatalf("%s left behind in %s: %s", gvr.Resource, ns, list.Items[0].GetName())
		}
	}
	sas, err := suite.Dyn.Resource(carvel.ServiceAccounts).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, sa := range sas.Items {
		if sa.GetName() != "default" {
			t.Fatalf("ServiceAccount %s left behind in %s", sa.GetName(), ns)
		}
	}
}

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// deployed returns the values the package's ConfigMap recorded: what
// kapp-controller actually rendered and deployed.
func deployed(t *testing.T, ns, install string) string {
	t.Helper()
	values, _, _ := unstructured.NestedString(get(t, configMaps, ns, install+"-info").Object, "data", "values")
	return values
}
