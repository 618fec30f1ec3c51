package groups

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// TestGroupKeepsAPackage: values are refused before anything is written
// (they would be kept readable); a package attached to a group is
// installed in the member by kapp-controller (the App deploys the
// PackageInstall, kapp-controller installs the package and its ConfigMap
// appears), and detach removes both while the namespace stays.
func TestGroupKeepsAPackage(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	c := &carvel.Client{Dyn: e.Dyn()}
	if _, err := c.WaitRepository(context.Background(), seed.LocalRepositoryNamespace, seed.LocalRepository, carvel.WaitOptions{Timeout: 2 * time.Minute}); err != nil {
		t.Fatalf("the seeded repository did not reconcile: %v", err)
	}
	label(t, e, "default", "wc-prod-1", "groups.test/pkg", "yes")
	e.Kubectl("tko", "cluster", "group", "create", "pkgs", "--selector", "groups.test/pkg=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "pkgs").Run() })
	app := "tko-pkgs-edge-wc-prod-1"

	// Values may hold credentials: a group's objects would keep them
	// readable, so they are refused before anything is written.
	r := e.Kubectl("tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--values", "contour.replicas=3", "--install-namespace", ns).Run()
	if r.Code != 2 || !strings.Contains(r.Stderr, "a group's package takes no values yet") {
		t.Fatalf("values: exit %d: %s", r.Code, r.Stderr)
	}
	if err := gone(e, carvel.Apps, "default", app); err != nil {
		t.Fatalf("refused values left an App: %v", err)
	}

	e.Kubectl("tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--install-namespace", ns, "--sync-period", "30s").Success().
		StdoutContains("cluster default/wc-prod-1: package/edge: app.kappctrl.k14s.io/" + app + " created")
	reconciled(t, e, "default", app)
	within(t, 90*time.Second, "the package installed in the member", func() error { return exists(e, configMaps, ns, "edge-info") })
	e.Kubectl("tko", "cluster", "group", "list").Success().StdoutContains("pkgs\tdefault/wc-prod-1", "package/edge")
	// Another group may not install the same package in the member.
	e.Kubectl("tko", "cluster", "group", "create", "pkgs2", "--selector", "groups.test/pkg=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "pkgs2").Run() })
	r = e.Kubectl("tko", "cluster", "group", "attach", "pkgs2", "package", "edge2", "-p", "contour.tanzu.vmware.com", "--install-namespace", ns).Run()
	if r.Code != 2 || !strings.Contains(r.Stderr, "groups pkgs2 and pkgs") {
		t.Fatalf("the same package from two groups: exit %d: %s", r.Code, r.Stderr)
	}

	e.Kubectl("tko", "cluster", "group", "detach", "pkgs", "package", "edge", "--wait", "--timeout", "2m").Success().
		StdoutContains("app.kappctrl.k14s.io/" + app + " deleted")
	within(t, 60*time.Second, "the PackageInstall removed", func() error { return gone(e, carvel.Installs, ns, "edge") })
	within(t, 60*time.Second, "the package's objects removed", func() error { return gone(e, configMaps, ns, "edge-info") })
	nsObj, err := e.Dyn().Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Get(context.Background(), ns, metav1.GetOptions{})
	if err != nil || nsObj.GetDeletionTimestamp() != nil {
		t.Fatalf("detach took the namespace %s with it: %v", ns, err)
	}
}
