package packages

import (
	"context"
	"strings"
	"syscall"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// neverReady adds to the namespace a package whose App deploys a Pod: no
// scheduler or kubelet runs here, so kapp waits on it for an hour and
// kapp-controller never reports the install reconciled. Interrupting a
// --wait on it is deterministic, with a real kapp-controller.
func neverReady(t *testing.T, ns string) string {
	t.Helper()
	const ref = "never-ready.test.tko.vmware.com"
	pod := `#@ load("@ytt:data", "data")
apiVersion: v1
kind: Pod
metadata:
  name: #@ data.values.install_name
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0.0
`
	valuesSchema := "#@data/values-schema\n---\ninstall_name: \"\"\nreplicas: 1\n"
	objs := []map[string]any{{
		"apiVersion": "data.packaging.carvel.dev/v1alpha1", "kind": "PackageMetadata",
		"metadata": map[string]any{"name": ref, "namespace": ns}, "spec": map[string]any{"displayName": "never-ready"},
	}, {
		"apiVersion": "data.packaging.carvel.dev/v1alpha1", "kind": "Package",
		"metadata": map[string]any{"name": ref + ".1.0.0", "namespace": ns},
		"spec": map[string]any{
			"refName": ref, "version": "1.0.0", "releasedAt": "2024-01-01T00:00:00Z",
			"valuesSchema": map[string]any{"openAPIv3": map[string]any{"type": "object", "additionalProperties": false,
				"properties": map[string]any{"replicas": map[string]any{"type": "integer", "default": int64(1)}}}},
			"template": map[string]any{"spec": map[string]any{
				"fetch": []any{map[string]any{"inline": map[string]any{"paths": map[string]any{"config.yml": pod, "schema.yml": valuesSchema}}}},
				"template": []any{map[string]any{"ytt": map[string]any{"paths": []any{"."},
					"valuesFrom": []any{map[string]any{"downwardAPI": map[string]any{"items": []any{
						map[string]any{"name": "install_name", "fieldPath": "metadata.name"}}}}}}}},
				"deploy": []any{map[string]any{"kapp": map[string]any{"rawOptions": []any{"--wait-timeout=1h"}}}},
			}},
		},
	}}
	for i, gvr := range []schema.GroupVersionResource{carvel.Metadatas, carvel.Packages} {
		if _, err := suite.Dyn.Resource(gvr).Namespace(ns).Create(context.Background(), &unstructured.Unstructured{Object: objs[i]}, metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating the never-ready package: %v", err)
		}
	}
	return ref
}

// TestInterruptedWaits: SIGINT and SIGTERM during the --wait of package
// install, installed update and a stack's first wave end with exit 5 and
// one line saying what was applied and how to follow it; nothing is
// rolled back that was promised applied, the next wave is not applied,
// and a rerun converges.
func TestInterruptedWaits(t *testing.T) {
	ready(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			e := suite.New(t)
			ns := e.Namespace()
			ref := neverReady(t, ns)
			follow := "(follow it: kubectl tko package installed status slow -n " + ns + "): interrupted"

			e.Kubectl("tko", "package", "install", "slow", "-p", ref, "-n", ns, "--wait").SignalOn("created", sig).Run().
				ExitCode(explain.ExitInterrupted).OneLineError("package install " + ns + "/slow was created and kapp-controller goes on with it " + follow)
			get(t, carvel.Installs, ns, "slow")
			get(t, carvel.ServiceAccounts, ns, "slow-"+ns+"-sa")
			e.Kubectl("tko", "package", "install", "slow", "-p", ref, "-n", ns).Success().StdoutContains("slow unchanged")

			e.Kubectl("tko", "package", "installed", "update", "slow", "-n", ns, "--values", "replicas=2", "--wait").SignalOn("updated", sig).Run().
				ExitCode(explain.ExitInterrupted).OneLineError("package install " + ns + "/slow was updated and kapp-controller goes on with it " + follow)
			if paused, _, _ := unstructured.NestedBool(get(t, carvel.Installs, ns, "slow").Object, "spec", "paused"); paused {
				t.Fatal("the interrupted update left the install paused")
			}
			e.Kubectl("tko", "package", "installed", "get", "slow", "-n", ns, "--values").Success().StdoutContains("replicas: 2")
			e.Kubectl("tko", "package", "installed", "update", "slow", "-n", ns, "--values", "replicas=2").Success().StdoutContains("slow unchanged")

			stack := writeFile(t, "stack.yaml", `apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata:
  name: waves
spec:
  namespace: `+ns+`
  installs:
  - name: first
    package: `+ref+`
  - name: second
    package: `+ref+`
    dependsOn: [first]
`)
			// Progress lines go to stderr; the one error line ends it.
			r := e.Kubectl("tko", "package", "apply", "-f", stack).SignalOn(ns+"/first created", sig).Run().ExitCode(explain.ExitInterrupted)
			lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
			last := lines[len(lines)-1]
			if strings.Count(r.Stderr, "error: ") != 1 || !strings.HasPrefix(last, "error: stopped waiting for first (applied: first; not applied: second); kapp-controller goes on with what was applied: interrupted") {
				t.Fatalf("the interrupted apply must end with one error line saying where it stopped:\n%s", r.Stderr)
			}
			get(t, carvel.Installs, ns, "first")
			absent(t, carvel.Installs, ns, "second")
			// The rerun applies the rest; nothing is duplicated.
			e.Kubectl("tko", "package", "apply", "-f", stack, "--wait=false").Success().StderrContains("stack waves applied (2 installs)")
			list, err := suite.Dyn.Resource(carvel.Installs).Namespace(ns).List(context.Background(), metav1.ListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, u := range list.Items {
				names = append(names, u.GetName())
			}
			if got := strings.Join(names, ","); got != "first,second,slow" {
				t.Fatalf("installs after the rerun: %s", got)
			}
		})
	}
}
