package groups

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// infoValues is what the seeded package deployed in the member with: its
// ConfigMap holds the data values kapp-controller rendered it with.
func infoValues(e *harness.Env, ns, install string) (string, error) {
	u, err := e.Dyn().Resource(configMaps).Namespace(ns).Get(context.Background(), install+"-info", metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	return u.Object["data"].(map[string]any)["values"].(string), nil
}

// noMarker fails when a marker value shows in what a command printed or
// in an object of the management cluster that is not a Secret.
func noMarker(t *testing.T, marker, where, text string) {
	t.Helper()
	if strings.Contains(text, marker) {
		t.Fatalf("the value %s shows in %s:\n%s", marker, where, text)
	}
}

func objectText(t *testing.T, e *harness.Env, gvr schema.GroupVersionResource, ns, name string) string {
	t.Helper()
	u, err := e.Dyn().Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("reading %s %s/%s: %v", gvr.Resource, ns, name, err)
	}
	raw, _ := json.Marshal(u.Object)
	return string(raw)
}

// TestGroupKeepsAPackage: values that break the package's schema are
// refused before anything is written; a package attached with values is
// installed in the member by kapp-controller with those values (the App
// deploys the PackageInstall and, from the member's values Secret, its
// values Secret; the package's ConfigMap shows the values); no value shows
// in any output, at -v=9, nor in the group's ConfigMap or the App; a rerun
// with other values converges; a member that leaves loses its App and
// values Secret with 'group sync'; detach and group delete leave no Secret.
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
	groupValues, memberValues := "tko-group-pkgs-values", app+"-values"

	// Checked against the package's schema, as 'package install' does.
	r := e.Kubectl("tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--values", "contour.replicas=0", "--install-namespace", ns).Run()
	if r.Code != 2 || !strings.Contains(r.Stderr, "do not match the schema") || !strings.Contains(r.Stderr, "contour.replicas") {
		t.Fatalf("values against the schema: exit %d: %s", r.Code, r.Stderr)
	}
	for _, o := range []struct {
		gvr      schema.GroupVersionResource
		ns, name string
	}{{carvel.Apps, "default", app}, {secrets, "tko-system", groupValues}, {secrets, "default", memberValues}} {
		if err := gone(e, o.gvr, o.ns, o.name); err != nil {
			t.Fatalf("refused values left something: %v", err)
		}
	}

	marker := "tko-marker-5ec2e7"
	file := writeFile(t, "values.yaml", "namespace: "+marker+"\ncontour:\n  replicas: 3\n")
	for _, args := range [][]string{{"--dry-run=client", "-o", "yaml"}, {"--dry-run=server", "-o", "json"}, {"-v=9", "--sync-period", "30s"}} {
		r = e.Kubectl(append([]string{"tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--values-file", file, "--values", "contour.logLevel=debug", "--install-namespace", ns}, args...)...).Success()
		noMarker(t, marker, "attach "+strings.Join(args, " ")+" stdout", r.Stdout)
		noMarker(t, marker, "attach "+strings.Join(args, " ")+" stderr", r.Stderr)
	}
	reconciled(t, e, "default", app)
	within(t, 90*time.Second, "the package installed in the member with the values", func() error {
		v, err := infoValues(e, ns, "edge")
		if err == nil && (!strings.Contains(v, marker) || !strings.Contains(v, "replicas: 3") || !strings.Contains(v, "logLevel: debug")) {
			err = fmt.Errorf("values %q", v)
		}
		return err
	})
	if err := exists(e, secrets, ns, "edge-"+ns+"-values"); err != nil {
		t.Fatalf("no values Secret in the member: %v", err)
	}
	noMarker(t, marker, "the group's ConfigMap", objectText(t, e, configMaps, "tko-system", "pkgs"))
	noMarker(t, marker, "the App", objectText(t, e, carvel.Apps, "default", app))
	for _, args := range [][]string{{"get", "pkgs", "-o", "yaml"}, {"list", "-o", "json"}, {"status", "pkgs", "-v=9"}, {"sync", "pkgs", "-o", "yaml", "-v=9"}} {
		// status exits 1 while an App resyncs; only its output matters here.
		r = e.Kubectl(append([]string{"tko", "cluster", "group"}, args...)...).Run()
		if r.Code != 0 && args[0] != "status" {
			t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), r.Code, r.Stderr)
		}
		noMarker(t, marker, strings.Join(args, " "), r.Stdout+r.Stderr)
		if args[0] == "get" && !strings.Contains(r.Stdout, "values: (in Secret tko-system/"+groupValues+", key package.edge)") {
			t.Fatalf("get -o yaml does not say where the values are:\n%s", r.Stdout)
		}
	}

	// Other values: the Secrets follow, and so does the member.
	e.Kubectl("tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--values", "contour.replicas=4", "--install-namespace", ns, "--sync-period", "30s").Success()
	within(t, 2*time.Minute, "the member's package with the new values", func() error {
		v, err := infoValues(e, ns, "edge")
		if err == nil && (!strings.Contains(v, "replicas: 4") || strings.Contains(v, marker)) {
			err = fmt.Errorf("values %q", v)
		}
		return err
	})
	e.Kubectl("tko", "cluster", "group", "list").Success().StdoutContains("pkgs\tdefault/wc-prod-1", "package/edge")

	// Another group may not install the same package in the member.
	e.Kubectl("tko", "cluster", "group", "create", "pkgs2", "--selector", "groups.test/pkg=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "pkgs2").Run() })
	r = e.Kubectl("tko", "cluster", "group", "attach", "pkgs2", "package", "edge2", "-p", "contour.tanzu.vmware.com", "--install-namespace", ns).Run()
	if r.Code != 2 || !strings.Contains(r.Stderr, "groups pkgs2 and pkgs") {
		t.Fatalf("the same package from two groups: exit %d: %s", r.Code, r.Stderr)
	}

	// A member that leaves: sync deletes its App and its values Secret.
	label(t, e, "default", "wc-prod-1", "groups.test/pkg", "")
	e.Kubectl("tko", "cluster", "group", "sync", "pkgs").Success().StdoutContains("app.kappctrl.k14s.io/" + app + " deleted")
	within(t, 90*time.Second, "the leaver's PackageInstall removed", func() error { return gone(e, carvel.Installs, ns, "edge") })
	if err := gone(e, secrets, "default", memberValues); err != nil {
		t.Fatalf("the leaver's values Secret: %v", err)
	}
	within(t, 90*time.Second, "the leaver's App deleted", func() error { return gone(e, carvel.Apps, "default", app) })
	label(t, e, "default", "wc-prod-1", "groups.test/pkg", "yes")
	e.Kubectl("tko", "cluster", "group", "sync", "pkgs").Success().StdoutContains("app.kappctrl.k14s.io/" + app + " created")
	reconciled(t, e, "default", app)

	e.Kubectl("tko", "cluster", "group", "detach", "pkgs", "package", "edge", "--wait", "--timeout", "2m").Success().
		StdoutContains("app.kappctrl.k14s.io/" + app + " deleted")
	within(t, 60*time.Second, "the PackageInstall removed", func() error { return gone(e, carvel.Installs, ns, "edge") })
	within(t, 60*time.Second, "the package's objects removed", func() error { return gone(e, configMaps, ns, "edge-info") })
	for _, s := range [][2]string{{"tko-system", groupValues}, {"default", memberValues}} {
		if err := gone(e, secrets, s[0], s[1]); err != nil {
			t.Fatalf("detach left a values Secret: %v", err)
		}
	}
	nsObj, err := e.Dyn().Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Get(context.Background(), ns, metav1.GetOptions{})
	if err != nil || nsObj.GetDeletionTimestamp() != nil {
		t.Fatalf("detach took the namespace %s with it: %v", ns, err)
	}

	// Group delete takes the values with it.
	e.Kubectl("tko", "cluster", "group", "attach", "pkgs", "package", "edge", "-p", "contour.tanzu.vmware.com", "--values-file", file, "--install-namespace", ns).Success()
	e.Kubectl("tko", "cluster", "group", "delete", "pkgs", "--wait", "--timeout", "2m").Success()
	for _, s := range [][2]string{{"tko-system", groupValues}, {"default", memberValues}} {
		if err := gone(e, secrets, s[0], s[1]); err != nil {
			t.Fatalf("group delete left a values Secret: %v", err)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
