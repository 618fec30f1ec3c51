package apply_test

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// supervisor plays the Supervisor for one TanzuKubernetesCluster: once its
// spec changes (its TKR), it runs the new version and is Ready at its generation,
// written through the status subresource.
func supervisor(t *testing.T, s *clitest.Server, ns, name, version string) {
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	seeded := s.Object("tanzukubernetesclusters", ns, name)
	client := dyn.Resource(tkc.GVRFor(seeded)).Namespace(ns)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			time.Sleep(20 * time.Millisecond)
			u, err := client.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				continue
			}
			if u.GetGeneration() == seeded.GetGeneration() {
				continue
			}
			if g, _, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration"); g >= u.GetGeneration() {
				continue
			}
			_ = unstructured.SetNestedField(u.Object, version, "status", "version")
			_ = unstructured.SetNestedField(u.Object, u.GetGeneration(), "status", "observedGeneration")
			_ = unstructured.SetNestedField(u.Object, "running", "status", "phase")
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"type": "Ready", "status": "True",
				"lastTransitionTime": time.Now().UTC().Format(time.RFC3339)}}, "status", "conditions")
			_, _ = client.UpdateStatus(ctx, u, metav1.UpdateOptions{})
		}
	}()
}

// TestApplyTanzuKubernetesCluster runs a plan of a TKC: its TKR reference
// is written, and the run waits until the Supervisor runs the new version.
func TestApplyTanzuKubernetesCluster(t *testing.T) {
	s := clitest.Estate(t)
	s.AddWorkloadCluster("vsphere-team-a", "tkc-prod-1", clitest.NewServer(t))
	supervisor(t, s, "vsphere-team-a", "tkc-prod-1", "v1.27.11+vmware.1-fips.1")
	r := s.Run(cluster.Plugin(), "upgrade", "apply", "tkc-prod-1", "-n", "vsphere-team-a", "--skip-backup", "--timeout", "20s")
	r.Check(t, 0, "vsphere-team-a/tkc-prod-1\tDone\t1/1\tv1.27.11+vmware.1-fips.1")
	u := s.Object("tanzukubernetesclusters", "vsphere-team-a", "tkc-prod-1")
	if got, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "controlPlane", "tkr", "reference", "name"); got != "v1.27.11---vmware.1-fips.1-tkg.2" {
		t.Errorf("control plane TKR %q", got)
	}
}
