package groups

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

// TestGroupKeepsAStack: a two-install PackageStack attached to a group is
// one App per member; kapp-controller installs both packages in the
// member, the dependent one with the values the stack gives it (kept in
// Secrets, never printed), and only once its dependency is reconciled: a
// stack whose first install fails never gets its dependent created.
// Detach removes the installs and the values Secrets.
func TestGroupKeepsAStack(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	c := &carvel.Client{Dyn: e.Dyn()}
	if _, err := c.WaitRepository(context.Background(), seed.LocalRepositoryNamespace, seed.LocalRepository, carvel.WaitOptions{Timeout: 2 * time.Minute}); err != nil {
		t.Fatalf("the seeded repository did not reconcile: %v", err)
	}
	label(t, e, "default", "wc-prod-1", "groups.test/stack", "yes")
	e.Kubectl("tko", "cluster", "group", "create", "stacks", "--selector", "groups.test/stack=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "stacks").Run() })
	marker := "tko-marker-57ac4"
	stack := writeFile(t, "stack.yaml", `apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata:
  name: ingress
spec:
  namespace: `+ns+`
  installs:
  - name: edge
    package: contour.tanzu.vmware.com
    dependsOn: [certs]
    values:
      namespace: `+marker+`
      contour:
        replicas: 3
  - name: certs
    package: cert-manager.tanzu.vmware.com
`)
	app := "tko-stacks-ingress-wc-prod-1"
	// Values are checked against each package's schema, with the stack's line, before anything is written.
	bad := writeFile(t, "bad.yaml", strings.Replace(string(mustRead(t, stack)), "replicas: 3", "replicas: 0", 1))
	r := e.Kubectl("tko", "cluster", "group", "attach", "stacks", "stack", "-f", bad).Run()
	if r.Code != 2 || !strings.Contains(r.Stderr, "nothing was attached") || !strings.Contains(r.Stderr, "contour.replicas") {
		t.Fatalf("a stack breaking a schema: exit %d: %s", r.Code, r.Stderr)
	}
	if err := gone(e, carvel.Apps, "default", app); err != nil {
		t.Fatalf("a refused stack left an App: %v", err)
	}
	r = e.Kubectl("tko", "cluster", "group", "attach", "stacks", "stack", "-f", stack, "--sync-period", "30s", "-v=9").Success().
		StdoutContains("cluster default/wc-prod-1: stack/ingress: app.kappctrl.k14s.io/" + app + " created")
	noMarker(t, marker, "attach stack", r.Stdout+r.Stderr)
	reconciled(t, e, "default", app)
	within(t, 90*time.Second, "both packages installed, the dependent with its values", func() error {
		if err := exists(e, configMaps, ns, "certs-info"); err != nil {
			return err
		}
		v, err := infoValues(e, ns, "edge")
		if err == nil && (!strings.Contains(v, marker) || !strings.Contains(v, "replicas: 3")) {
			err = fmt.Errorf("values %q", v)
		}
		return err
	})
	// The dependent was created once its dependency had been reconciled.
	certs, err := e.Dyn().Resource(configMaps).Namespace(ns).Get(context.Background(), "certs-info", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	edge, err := e.Dyn().Resource(carvel.Installs).Namespace(ns).Get(context.Background(), "edge", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if edge.GetCreationTimestamp().Time.Before(certs.GetCreationTimestamp().Time) {
		t.Fatalf("PackageInstall edge created at %s, before certs had deployed (%s)", edge.GetCreationTimestamp(), certs.GetCreationTimestamp())
	}
	noMarker(t, marker, "the App", objectText(t, e, carvel.Apps, "default", app))
	noMarker(t, marker, "the group's ConfigMap", objectText(t, e, configMaps, "tko-system", "stacks"))
	e.Kubectl("tko", "cluster", "group", "get", "stacks", "-o", "yaml").Success().
		StdoutContains("values: (in Secret tko-system/tko-group-stacks-values, key stack.ingress.edge)").StdoutLacks(marker)

	// A dependency that fails holds its dependent back.
	broken := writeFile(t, "broken.yaml", `apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata:
  name: fragile
spec:
  namespace: `+ns+`
  installs:
  - name: base
    package: broken.tko.dev
  - name: on-top
    package: fluent-bit.tanzu.vmware.com
    dependsOn: [base]
`)
	e.Kubectl("tko", "cluster", "group", "attach", "stacks", "stack", "-f", broken, "--sync-period", "30s").Success()
	within(t, 2*time.Minute, "the fragile stack's App failing on its broken install", func() error {
		u, err := e.Dyn().Resource(carvel.Apps).Namespace("default").Get(context.Background(), "tko-stacks-fragile-wc-prod-1", metav1.GetOptions{})
		if err != nil {
			return err
		}
		a, err := carvel.AsApp(u)
		if err != nil {
			return err
		}
		if state := a.Status.State(u.GetGeneration(), false); !carvel.Failed(state) {
			return fmt.Errorf("state %s", state)
		}
		return nil
	})
	if err := exists(e, carvel.Installs, ns, "base"); err != nil {
		t.Fatalf("the failing install was not deployed, so the App failed for another reason: %v", err)
	}
	if err := gone(e, carvel.Installs, ns, "on-top"); err != nil {
		t.Fatalf("the dependent of a failed install was created: %v", err)
	}
	e.Kubectl("tko", "cluster", "group", "detach", "stacks", "stack", "fragile", "--wait", "--timeout", "2m").Success()

	e.Kubectl("tko", "cluster", "group", "detach", "stacks", "stack", "ingress", "--wait", "--timeout", "2m").Success().
		StdoutContains("app.kappctrl.k14s.io/" + app + " deleted")
	for _, name := range []string{"edge", "certs"} {
		within(t, 60*time.Second, "PackageInstall "+name+" removed", func() error { return gone(e, carvel.Installs, ns, name) })
	}
	for _, s := range [][2]string{{"tko-system", "tko-group-stacks-values"}, {"default", app + "-values"}} {
		if err := gone(e, secrets, s[0], s[1]); err != nil {
			t.Fatalf("detach left a values Secret: %v", err)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
