package packages

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAvailable(t *testing.T) {
	ready(t)
	e := suite.New(t)
	e.Kubectl("tko", "package", "available", "list").Success().
		StdoutContains("NAME\tDISPLAY-NAME\tSHORT-DESCRIPTION\tLATEST-VERSION",
			"contour.tanzu.vmware.com\tcontour\tAn ingress controller\t1.26.1+vmware.1-tkg.1")
	r := e.Kubectl("tko", "package", "available", "list", "-p", "contour.tanzu.vmware.com").Success()
	if lines := r.StdoutLines(); len(lines) != 3 || !strings.Contains(lines[1], "1.26.1+vmware.1-tkg.1\t2024-03-05") || !strings.Contains(lines[2], "1.25.2+vmware.1-tkg.1") {
		t.Fatalf("versions, newest first with release dates:\n%s", r.Stdout)
	}
	e.Kubectl("tko", "package", "available", "get", "contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1", "--values-schema").Success().
		StdoutContains("envoy.service.type\tstring\tLoadBalancer\tService type.", "contour.replicas\tinteger\t2")
	e.Kubectl("tko", "package", "available", "get", "contour.tanzu.vmware.com").Success().
		StdoutContains("Versions:", "1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1")
	out := filepath.Join(t.TempDir(), "defaults.yaml")
	e.Kubectl("tko", "package", "available", "get", "contour.tanzu.vmware.com", "--default-values-file-output", out).Success()
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(out)
	if st.Mode().Perm() != 0o600 || !strings.Contains(string(raw), "replicas: 2") || !strings.Contains(string(raw), "type: LoadBalancer") {
		t.Fatalf("default values file (mode %v):\n%s", st.Mode().Perm(), raw)
	}
	// The defaults are a valid values file.
	ns := e.Namespace()
	e.Kubectl("tko", "package", "install", "c", "-p", "contour.tanzu.vmware.com", "-n", ns, "-f", out, "--dry-run").Success()
	// Completion through real kubectl (its kubectl_complete-tko helper is not on PATH: the plugin's own __complete).
	e.Kubectl("tko", "package", "__complete", "install", "x", "-p", "cont").Success().StdoutContains("contour.tanzu.vmware.com")
	e.Kubectl("tko", "package", "available", "get", "contour.tanzu.vmware.com/9.9.9").ExitCode(explain.ExitNotFound).
		OneLineError(`version "9.9.9" not found`, "1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1")
}

func TestInstallUpdateDelete(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	values := writeFile(t, "contour.yaml", "contour:\n  replicas: 3\nenvoy:\n  service:\n    type: NodePort\n")
	e.Kubectl("tko", "package", "install", "contour", "-p", "contour.tanzu.vmware.com", "--version", "1.25.2", "-n", ns, "-f", values, "--wait").Success().
		StdoutContains("packageinstall.packaging.carvel.dev/contour created: contour.tanzu.vmware.com 1.25.2+vmware.1-tkg.1").
		StderrContains("package install " + ns + "/contour reconciled")
	if v := deployed(t, ns, "contour"); !strings.Contains(v, "replicas: 3") || !strings.Contains(v, "type: NodePort") {
		t.Fatalf("deployed values:\n%s", v)
	}
	// kctrl's names and annotations, so kctrl and the tanzu CLI recognise the install.
	owner := "contour-" + ns
	pi := get(t, carvel.Installs, ns, "contour")
	ann := pi.GetAnnotations()
	for k, v := range map[string]string{
		"packaging.carvel.dev/package-ServiceAccount":     owner + "-sa",
		"packaging.carvel.dev/package-ClusterRole":        owner + "-cluster-role",
		"packaging.carvel.dev/package-ClusterRoleBinding": owner + "-cluster-rolebinding",
		"packaging.carvel.dev/package-Secret":             owner + "-values",
		"tkg.tanzu.vmware.com/tanzu-package-Secret":       owner + "-values",
	} {
		if ann[k] != v {
			t.Errorf("annotation %s = %q, want %q", k, ann[k], v)
		}
	}
	if sa, _, _ := unstructured.NestedString(pi.Object, "spec", "serviceAccountName"); sa != owner+"-sa" {
		t.Errorf("serviceAccountName %q", sa)
	}
	if got := get(t, carvel.ServiceAccounts, ns, owner+"-sa").GetAnnotations()[carvel.AnnotationOwner]; got != owner {
		t.Errorf("ServiceAccount owner annotation %q", got)
	}
	get(t, carvel.ClusterRoles, "", owner+"-cluster-role")
	get(t, carvel.ClusterRoleBindings, "", owner+"-cluster-rolebinding")

	// Rerunning converges.
	e.Kubectl("tko", "package", "install", "contour", "-p", "contour.tanzu.vmware.com", "--version", "1.25.2", "-n", ns, "-f", values).Success().
		StdoutContains("contour unchanged")

	// list and get never print the values; --values does.
	e.Kubectl("tko", "package", "installed", "list", "-n", ns).Success().
		StdoutContains("contour\tcontour.tanzu.vmware.com\t1.25.2+vmware.1-tkg.1\tReconcileSucceeded").StdoutLacks("NodePort")
	e.Kubectl("tko", "package", "installed", "get", "contour", "-n", ns).Success().
		StdoutContains("Status:           ReconcileSucceeded", "Values:           Secret "+owner+"-values (print with --values)", "Deploy    ok").StdoutLacks("NodePort")
	e.Kubectl("tko", "package", "installed", "get", "contour", "-n", ns, "--values").Success().StdoutContains("type: NodePort")
	e.Kubectl("tko", "package", "installed", "get", "contour", "-n", ns, "-o", "jsonpath={.status.version}").Success().StdoutContains("1.25.2+vmware.1-tkg.1")
	e.Kubectl("tko", "package", "installed", "status", "contour", "-n", ns).Success().StdoutContains("Deploy    ok", "create configmap/contour-info")

	// update: the diff first, nothing changed by it.
	newValues := writeFile(t, "contour2.yaml", "contour:\n  replicas: 5\nenvoy:\n  service:\n    type: NodePort\n")
	e.Kubectl("tko", "package", "installed", "update", "contour", "-n", ns, "-f", newValues, "--version", "1.26.1+vmware.1-tkg.1", "--diff", "--dry-run").Success().
		StdoutContains("version: 1.25.2+vmware.1-tkg.1 → 1.26.1+vmware.1-tkg.1", "values.contour.replicas: 3 → 5", "would be updated (dry run)")
	if v := deployed(t, ns, "contour"); !strings.Contains(v, "replicas: 3") {
		t.Fatalf("--dry-run changed the install:\n%s", v)
	}
	e.Kubectl("tko", "package", "installed", "update", "contour", "-n", ns, "-f", newValues, "--version", "1.26.1+vmware.1-tkg.1", "--wait").Success().
		StdoutContains("contour updated").StderrContains("reconciled")
	if v := deployed(t, ns, "contour"); !strings.Contains(v, "replicas: 5") {
		t.Fatalf("update not deployed:\n%s", v)
	}
	if paused, _, _ := unstructured.NestedBool(get(t, carvel.Installs, ns, "contour").Object, "spec", "paused"); paused {
		t.Fatal("the install stayed paused after update")
	}
	e.Kubectl("tko", "package", "installed", "update", "contour", "-n", ns, "-f", newValues).Success().StdoutContains("contour unchanged")
	e.Kubectl("tko", "package", "installed", "update", "contour", "-n", ns, "--values", "contour.replicas=zero").ExitCode(explain.ExitUsage).
		ProblemReport("nothing was created", "--values contour.replicas=zero: got string, want integer")

	// pause, resume, kick.
	e.Kubectl("tko", "package", "installed", "pause", "contour", "-n", ns).Success().StdoutContains("contour paused")
	e.Kubectl("tko", "package", "installed", "list", "-n", ns).Success().StdoutContains("\tPaused\t")
	// Waiting on a paused install would never end: say so instead.
	e.Kubectl("tko", "package", "install", "contour", "-p", "contour.tanzu.vmware.com", "--version", "1.26.1+vmware.1-tkg.1", "-n", ns, "-f", newValues, "--wait").Success().
		StdoutContains("contour unchanged").StderrContains("is paused: kapp-controller reconciles it once resumed")
	e.Kubectl("tko", "package", "installed", "resume", "contour", "-n", ns).Success()
	e.Kubectl("tko", "package", "installed", "kick", "contour", "-n", ns, "--wait").Success().StdoutContains("contour kicked").StderrContains("reconciled")

	// delete: refused from a script without --yes; then everything goes.
	e.Kubectl("tko", "package", "installed", "delete", "contour", "-n", ns).ExitCode(explain.ExitUsage).OneLineError("without --yes")
	e.Kubectl("tko", "package", "installed", "delete", "contour", "-n", ns, "--dry-run").Success().StdoutContains("ServiceAccount/" + owner + "-sa would be deleted")
	get(t, carvel.Installs, ns, "contour")
	e.Kubectl("tko", "package", "installed", "delete", "contour", "-n", ns, "--yes").Success().
		StdoutContains("packageinstall.packaging.carvel.dev/contour deleted", "ClusterRole/"+owner+"-cluster-role deleted")
	absent(t, configMaps, ns, "contour-info") // kapp-controller removed what it deployed
	absent(t, carvel.ClusterRoles, "", owner+"-cluster-role")
	absent(t, carvel.ClusterRoleBindings, "", owner+"-cluster-rolebinding")
	empty(t, ns)
}

func TestInstallFailureShowsKappControllersError(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	r := e.Kubectl("tko", "package", "install", "broken", "-p", "broken.tko.dev", "-n", ns, "--wait").ExitCode(explain.ExitFailure)
	// The whole error, over several lines, never cut.
	r.StderrContains("error: package install "+ns+"/broken failed to reconcile:\n", "ytt: Error:", "struct has no .no_such_value field or method", "config.yml:7")
	e.Kubectl("tko", "package", "installed", "list", "-n", ns, "-o", "wide").Success().StdoutContains("ReconcileFailed", "ytt: Error:")
	e.Kubectl("tko", "package", "installed", "status", "broken", "-n", ns).Success().
		StdoutContains("Template  failed (exit code 1)", "no_such_value")
	e.Kubectl("tko", "package", "installed", "delete", "broken", "-n", ns, "--yes").Success()
	empty(t, ns)
}

func TestInstallDryRunHidesValues(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	values := writeFile(t, "harbor.yaml", "hostname: registry.corp.example\n")
	e.Kubectl("tko", "package", "install", "harbor", "-p", "harbor.tanzu.vmware.com", "-n", ns, "-f", values, "--dry-run", "-o", "yaml").Success().
		StdoutContains("kind: ServiceAccount", "kind: ClusterRole", "kind: Secret", "<hidden: pass --show-values to print>", "kind: PackageInstall").
		StdoutLacks("registry.corp.example")
	e.Kubectl("tko", "package", "install", "harbor", "-p", "harbor.tanzu.vmware.com", "-n", ns, "-f", values, "--dry-run", "-o", "yaml", "--show-values").Success().
		StdoutContains("hostname: registry.corp.example")
	e.Kubectl("tko", "package", "install", "harbor", "-p", "harbor.tanzu.vmware.com", "-n", ns, "--rbac", "namespace", "--dry-run", "-o", "name").Success().
		StdoutContains("role.rbac.authorization.k8s.io/harbor-"+ns+"-role", "rolebinding.rbac.authorization.k8s.io/harbor-"+ns+"-rolebinding").StdoutLacks("clusterrole")
	empty(t, ns)
}

// --timeout bounds --wait: exit 4 naming the last state; the install is
// complete (nothing half-made), and a rerun picks it up.
func TestInstallWaitTimeout(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	e.Kubectl("tko", "package", "install", "multus", "-p", "multus-cni.tanzu.vmware.com", "-n", ns, "--wait", "--timeout", "1ms").
		ExitCode(explain.ExitTimeout).StderrContains("timed out after 1ms waiting for package install " + ns + "/multus to reconcile")
	get(t, carvel.Installs, ns, "multus")
	e.Kubectl("tko", "package", "install", "multus", "-p", "multus-cni.tanzu.vmware.com", "-n", ns, "--wait").Success().
		StdoutContains("multus unchanged").StderrContains("reconciled")
}

// A delete interrupted after the PackageInstall went (here: deleted with
// kubectl) is finished by rerunning it: the ServiceAccount, RBAC and values
// Secret created for the install go too.
func TestDeleteFinishesAnInterruptedDelete(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	e.Kubectl("tko", "package", "install", "fb", "-p", "fluent-bit.tanzu.vmware.com", "-n", ns, "--values", "namespace=logs", "--wait").Success()
	// -o json reports an applied update as data.
	e.Kubectl("tko", "package", "installed", "update", "fb", "-n", ns, "--values", "namespace=logging", "-o", "json").Success().
		StdoutContains(`"result": "updated"`, `"path": "values.namespace"`)
	e.Kubectl("tko", "package", "installed", "get", "fb", "-n", ns, "--values").Success().StdoutContains("namespace: logging")
	e.Kubectl("delete", "packageinstall", "fb", "-n", ns, "--wait").Success()
	owner := "fb-" + ns
	get(t, carvel.ServiceAccounts, ns, owner+"-sa")
	e.Kubectl("tko", "package", "installed", "delete", "fb", "-n", ns, "--yes").Success().
		StdoutContains("ServiceAccount/"+owner+"-sa (left from install fb) deleted", "ClusterRole/"+owner+"-cluster-role (left from install fb) deleted")
	absent(t, carvel.ClusterRoles, "", owner+"-cluster-role")
	empty(t, ns)
	e.Kubectl("tko", "package", "installed", "delete", "fb", "-n", ns, "--yes").ExitCode(explain.ExitNotFound).OneLineError(`package install "fb" not found`)
}

// On a terminal --wait is the default and the App's stages stream as they
// finish (util-linux script gives the command a pseudo-terminal).
func TestInstallOnATerminal(t *testing.T) {
	ready(t)
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script (util-linux) is not installed: no pseudo-terminal to test with")
	}
	e := suite.New(t)
	ns := e.Namespace()
	line := "kubectl tko package install mc -p multus-cni.tanzu.vmware.com -n " + ns
	e.Command("script", "-qefc", line, "/dev/null").Success().
		StdoutContains("mc created", "fetch: ok", "template: ok", "deploy: ok", "package install "+ns+"/mc reconciled")
}
