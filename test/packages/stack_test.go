package packages

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

func stackFile(t *testing.T, ns, extra string) string {
	t.Helper()
	return writeFile(t, "stack.yaml", `apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata:
  name: ingress
spec:
  namespace: `+ns+`
  installs:
  - name: contour
    package: contour.tanzu.vmware.com
    dependsOn: [cert-manager]
    values:
      contour:
        replicas: 3
  - name: cert-manager
    package: cert-manager.tanzu.vmware.com
    version: 1.12.2+vmware.2-tkg.2
`+extra)
}

func TestStackAppliesInDependencyOrder(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	file := stackFile(t, ns, "")
	e.Kubectl("tko", "package", "apply", "-f", file, "--dry-run").Success().
		StdoutContains("1\t"+ns+"\tcert-manager\tcert-manager.tanzu.vmware.com\t1.12.2+vmware.2-tkg.2\tcreate",
			"2\t"+ns+"\tcontour\tcontour.tanzu.vmware.com\t1.26.1+vmware.1-tkg.1\tcreate")
	empty(t, ns)
	r := e.Kubectl("tko", "package", "apply", "-f", file).Success()
	certDone := strings.Index(r.Stderr, ns+"/cert-manager reconciled")
	contourStart := strings.Index(r.Stderr, ns+"/contour created")
	if certDone < 0 || contourStart < 0 || certDone > contourStart {
		t.Fatalf("contour must be created after cert-manager reconciled:\n%s", r.Stderr)
	}
	if v := deployed(t, ns, "contour"); !strings.Contains(v, "replicas: 3") {
		t.Fatalf("contour values:\n%s", v)
	}
	// Converged: a no-op.
	e.Kubectl("tko", "package", "apply", "-f", file).Success().StdoutContains("unchanged\tReconcileSucceeded").StderrContains("stack is converged: nothing to do")
	// A change is planned as an update of that install only.
	changed := writeFile(t, "stack2.yaml", strings.Replace(readFile(t, file), "replicas: 3", "replicas: 4", 1))
	e.Kubectl("tko", "package", "apply", "-f", changed, "--dry-run", "-o", "json").Success().
		StdoutContains(`"action": "unchanged"`, `"action": "updated"`, `"path": "values.contour.replicas"`)
	e.Kubectl("tko", "package", "apply", "-f", changed).Success().StderrContains(ns + "/contour updated")
	if v := deployed(t, ns, "contour"); !strings.Contains(v, "replicas: 4") {
		t.Fatalf("contour values after update:\n%s", v)
	}
}

func TestStackStopsAtFirstFailure(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	file := stackFile(t, ns, `  - name: broken
    package: broken.tko.dev
    dependsOn: [cert-manager]
  - name: grafana
    package: grafana.tanzu.vmware.com
    dependsOn: [broken]
`)
	r := e.Kubectl("tko", "package", "apply", "-f", file).ExitCode(explain.ExitFailure)
	r.StderrContains("error: stopped at broken (applied: cert-manager, contour; not applied: grafana): package install "+ns+"/broken failed to reconcile:\n", "no_such_value")
	absentInstall := func(name string) { absent(t, carvel.Installs, ns, name) }
	absentInstall("grafana")
}

func TestStackBadInput(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	cycle := stackFile(t, ns, "")
	cycle = writeFile(t, "cycle.yaml", strings.Replace(readFile(t, cycle), "    version: 1.12.2+vmware.2-tkg.2\n", "    version: 1.12.2+vmware.2-tkg.2\n    dependsOn: [contour]\n", 1))
	e.Kubectl("tko", "package", "apply", "-f", cycle).ExitCode(explain.ExitUsage).OneLineError("the dependencies form a cycle among contour, cert-manager")
	unknown := writeFile(t, "unknown.yaml", strings.Replace(readFile(t, stackFile(t, ns, "")), "dependsOn: [cert-manager]", "dependsOn: [certmanager]", 1))
	e.Kubectl("tko", "package", "apply", "-f", unknown).ExitCode(explain.ExitUsage).OneLineError(`line 8: install "contour" depends on "certmanager", which the stack does not declare`)
	bad := writeFile(t, "bad.yaml", strings.Replace(strings.Replace(readFile(t, stackFile(t, ns, "")), "replicas: 3", "replicas: three", 1), "cert-manager.tanzu.vmware.com", "cert-manger.tanzu.vmware.com", 1))
	e.Kubectl("tko", "package", "apply", "-f", bad).ExitCode(explain.ExitUsage).
		ProblemReport("2 problem(s), nothing was applied", `cert-manager: package "cert-manger.tanzu.vmware.com" not found`, "contour: values.contour.replicas: got string, want integer")
	e.Kubectl("tko", "package", "apply", "--profile", "tko-everything").ExitCode(explain.ExitUsage).OneLineError(`unknown profile "tko-everything": use one of tko-shared-services`)
	e.Kubectl("tko", "package", "apply", "--profile", "tko-shared-services", "--export").Success().StdoutContains("kind: PackageStack", "name: harbor")
	empty(t, ns)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := yamldoc.ReadFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
