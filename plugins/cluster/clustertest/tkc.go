package clustertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
)

// TKCNamespace is the vSphere namespace of the TanzuKubernetesClusters of
// SeedTKCs: tkc-a2 (v1alpha2) and tkc-a3 (v1alpha3), each at
// v1.25.13 with control plane 1 and pools np-1 (following the control
// plane's TKR) and np-2 (naming its own).
const TKCNamespace = "vsphere-ns-2"

// The TanzuKubernetesReleases of SeedTKCs: the current one offers the
// others in its UpdatesAvailable condition; one is not Compatible, one
// skips a minor.
const (
	TKRCurrent      = "v1.25.13---vmware.1-fips.1-tkg.1"
	TKRNext         = "v1.26.10---vmware.1-fips.1-tkg.1"
	TKRIncompatible = "v1.26.11---vmware.1-fips.1-tkg.1"
	TKRSkip         = "v1.27.6---vmware.1-fips.1-tkg.1"
	// IncompatibleMessage is the Compatible condition's message of TKRIncompatible.
	IncompatibleMessage = "needs Supervisor v8.0.3 or later; this Supervisor runs v8.0.2"
)

// SeedTKCs adds the TanzuKubernetesReleases and the two
// TanzuKubernetesClusters, with the status the Supervisor's TKC controller
// writes for a running, Ready cluster.
func SeedTKCs(s *clitest.Server) {
	s.AddYAML(TKRsYAML() + "---\n" + TKCYAML("v1alpha2", "tkc-a2") + "---\n" + TKCYAML("v1alpha3", "tkc-a3"))
}

// TKRsYAML is the TanzuKubernetesReleases of SeedTKCs, with their status.
func TKRsYAML() string {
	var b strings.Builder
	for _, r := range []struct{ name, compatible, message, updates string }{
		{TKRCurrent, "True", "", "[v1.26.10+vmware.1-fips.1-tkg.1 v1.26.11+vmware.1-fips.1-tkg.1 v1.27.6+vmware.1-fips.1-tkg.1]"},
		{TKRNext, "True", "", ""},
		{TKRIncompatible, "False", IncompatibleMessage, ""},
		{TKRSkip, "True", "", ""},
	} {
		full := strings.Replace(r.name, "---", "+", 1)
		k8s := full[:strings.LastIndex(full, "-tkg.")]
		conds := fmt.Sprintf(`[{type: Ready, status: "True"}, {type: Compatible, status: %q, reason: IncompatibleSupervisor, message: %q}`, r.compatible, r.message)
		if r.updates != "" {
			conds += fmt.Sprintf(`, {type: UpdatesAvailable, status: "True", message: %q}`, r.updates)
		}
		fmt.Fprintf(&b, `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesRelease
metadata: {name: %s}
spec: {version: %s, kubernetes: {version: %s}}
status: {conditions: %s]}
---
`, r.name, full, k8s, conds)
	}
	return b.String()
}

// TKCYAML is a running, Ready TanzuKubernetesCluster at TKRCurrent in
// TKCNamespace, in the given version.
func TKCYAML(version, name string) string {
	return fmt.Sprintf(`apiVersion: run.tanzu.vmware.com/%s
kind: TanzuKubernetesCluster
metadata: {name: %s, namespace: %s}
spec:
  topology:
    controlPlane:
      replicas: 1
      vmClass: best-effort-small
      storageClass: vsan-default-storage-policy
      tkr: {reference: {name: %s}}
    nodePools:
    - {name: np-1, replicas: 2, vmClass: best-effort-medium, storageClass: vsan-default-storage-policy}
    - {name: np-2, replicas: 1, vmClass: best-effort-small, storageClass: vsan-default-storage-policy, tkr: {reference: {name: %s}}}
status:
  phase: running
  version: v1.25.13+vmware.1-fips.1
  conditions: [{type: Ready, status: "True"}]
`, version, name, TKCNamespace, TKRCurrent, TKRCurrent)
}

// GetTKC reads a TanzuKubernetesCluster of TKCNamespace in one version
// from the test server.
func GetTKC(t testing.TB, s *clitest.Server, version, name string) *unstructured.Unstructured {
	t.Helper()
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	u, err := dyn.Resource(tkc.GVR(version)).Namespace(TKCNamespace).Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting TanzuKubernetesCluster %s: %v", name, err)
	}
	return u
}

// TKCView is GetTKC's typed view.
func TKCView(t testing.TB, s *clitest.Server, version, name string) tkc.TKC {
	t.Helper()
	return tkc.FromUnstructured(GetTKC(t, s, version, name))
}

// Supervise makes the test server's TanzuKubernetesClusters settle as the
// Supervisor's TKC controller settles them: each stored change leaves the
// cluster running and Ready at the version its control plane's TKR names.
func Supervise(s *clitest.Server) {
	settle := func(r clitest.Request) {
		u := r.Object.DeepCopy()
		v := tkc.FromUnstructured(u)
		full := strings.Replace(v.ControlPlane.TKR, "---", "+", 1)
		if i := strings.LastIndex(full, "-tkg."); i > 0 {
			full = full[:i]
		}
		_ = unstructured.SetNestedField(u.Object, full, "status", "version")
		_ = unstructured.SetNestedField(u.Object, "running", "status", "phase")
		_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "Ready", "status": "True"}}, "status", "conditions")
		s.Add(u)
	}
	for _, verb := range []string{"update", "patch"} {
		s.After(verb, "tanzukubernetesclusters", settle)
	}
}

// Finalize gives the TanzuKubernetesClusters of SeedTKCs the Supervisor's
// finalizer and plays the Supervisor on their deletion: once its machines
// would be gone, it removes the finalizer (an update, as the controller
// makes it), and the API server removes the cluster.
func Finalize(s *clitest.Server) {
	const finalizer = "tanzukubernetescluster.run.tanzu.vmware.com"
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for _, version := range []string{"v1alpha2", "v1alpha3"} {
		client := dyn.Resource(tkc.GVR(version)).Namespace(TKCNamespace)
		name := "tkc-a" + version[len(version)-1:]
		u, err := client.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			panic(err)
		}
		u.SetFinalizers([]string{finalizer})
		s.Add(u)
	}
	s.After("delete", "tanzukubernetesclusters", func(r clitest.Request) {
		u := r.Object
		go func() {
			// The controller's turn comes after the deletion's response.
			time.Sleep(50 * time.Millisecond)
			client := dyn.Resource(tkc.GVRFor(u)).Namespace(u.GetNamespace())
			if cur, err := client.Get(ctx, u.GetName(), metav1.GetOptions{}); err == nil {
				cur.SetFinalizers(nil)
				_, _ = client.Update(ctx, cur, metav1.UpdateOptions{})
			}
		}()
	})
}

// RunTKCCases runs the cases made for each TanzuKubernetesCluster of
// SeedTKCs (v1alpha2 tkc-a2, v1alpha3 tkc-a3), each name prefixed with its
// version, on a server seeded with SeedTKCs unless the case sets Setup.
func RunTKCCases(t *testing.T, p cli.Plugin, cases func(version, name string) []clitest.Case) {
	t.Helper()
	for _, version := range []string{"v1alpha2", "v1alpha3"} {
		cs := cases(version, "tkc-a"+version[len(version)-1:])
		for i := range cs {
			cs[i].Name = version + " " + cs[i].Name
			if cs[i].Setup == nil {
				cs[i].Setup = SeedTKCs
			}
		}
		clitest.RunCases(t, p, cs)
	}
}
