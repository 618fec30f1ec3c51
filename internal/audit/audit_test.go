package audit

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
)

// TestHealthChecksCoverEveryPool: the rule asks for a check of the control
// plane and of every node pool, not of one pool.
func TestHealthChecksCoverEveryPool(t *testing.T) {
	cluster := func(pools ...map[string]any) *unstructured.Unstructured {
		mds := make([]any, len(pools))
		for i, p := range pools {
			mds[i] = p
		}
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
			"metadata": map[string]any{"name": "wc-1"},
			"spec":     map[string]any{"topology": map[string]any{"workers": map[string]any{"machineDeployments": mds}}}}}
	}
	pool := func(name string, checked bool) map[string]any {
		p := map[string]any{"name": name, "class": "tkg-worker"}
		if checked {
			p["healthCheck"] = map[string]any{"enabled": true}
		}
		return p
	}
	cp := &capi.Node{Kind: "MachineHealthCheck", Name: "wc-1-cp", Selects: "control-plane"}
	workers := func(pools ...string) *capi.Node {
		return &capi.Node{Kind: "MachineHealthCheck", Name: "wc-1-md", Selects: "workers", Pools: pools}
	}
	for _, tc := range []struct {
		name    string
		cluster *unstructured.Unstructured
		mhcs    []*capi.Node
		status  string
		reason  string
	}{
		{"every pool", cluster(pool("md-0", false), pool("md-1", false)), []*capi.Node{cp, workers("md-0", "md-1")}, Pass, "cover the control plane and every node pool"},
		{"one pool of two", cluster(pool("md-0", false), pool("md-1", false)), []*capi.Node{cp, workers("md-0")}, Warn,
			"node pool(s) md-1 not health-checked: kubectl tko cluster mhc set wc-1 --node-pool md-1"},
		{"a pool checked by its topology", cluster(pool("md-0", false), pool("md-1", true)), []*capi.Node{cp, workers("md-0")}, Pass, "every node pool"},
		{"a worker check selecting no pool", cluster(pool("md-0", false)), []*capi.Node{cp, workers()}, Warn, "node pool(s) md-0 not health-checked"},
		{"control plane only", cluster(pool("md-0", false)), []*capi.Node{cp}, Warn, "node pool(s) md-0 not health-checked"},
		{"workers only", cluster(pool("md-0", false)), []*capi.Node{workers("md-0")}, Warn, "only the workers are health-checked"},
		{"none", cluster(pool("md-0", false)), nil, Fail, "no MachineHealthCheck"},
		// Not class-based: the pools are the MachineDeployments of the tree.
		{"machine deployments", &unstructured.Unstructured{Object: map[string]any{"metadata": map[string]any{"name": "wc-1"}}},
			[]*capi.Node{cp, workers("wc-1-a")}, Warn, "node pool(s) wc-1-b not health-checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := &capi.Node{Kind: "Cluster", Children: []*capi.Node{{Kind: "Workers", Children: []*capi.Node{
				{Kind: "MachineDeployment", Name: "wc-1-a"}, {Kind: "MachineDeployment", Name: "wc-1-b"}}}}}
			in := Input{Cluster: tc.cluster, View: capi.Cluster{Name: "wc-1"}, Tree: &capi.Tree{Root: root, MachineHealthChecks: tc.mhcs}}
			status, reason := checkHealthChecks(in)
			if status != tc.status || !strings.Contains(reason, tc.reason) {
				t.Fatalf("%s: %s, want %s: %s", status, reason, tc.status, tc.reason)
			}
		})
	}
}
