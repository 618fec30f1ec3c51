package capi

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func treeObject(kind, namespace, name, cluster string, spec map[string]any) unstructured.Unstructured {
	u := unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": kind,
		"metadata": map[string]any{"namespace": namespace, "name": name}, "spec": spec}}
	if cluster != "" {
		u.SetLabels(map[string]string{LabelClusterName: cluster})
	}
	return u
}

// TestTreeFromShared: objects read once for a whole namespace (and one of
// the same names in another) build each cluster's tree from its own only.
func TestTreeFromShared(t *testing.T) {
	cluster := func(namespace, name string) *unstructured.Unstructured {
		u := treeObject("Cluster", namespace, name, "", map[string]any{"controlPlaneRef": map[string]any{"kind": "KubeadmControlPlane", "name": name + "-cp"}})
		return &u
	}
	cp := func(namespace, cluster string) unstructured.Unstructured {
		m := treeObject("Machine", namespace, cluster+"-cp-1", cluster, nil)
		m.SetLabels(map[string]string{LabelClusterName: cluster, LabelControlPlane: ""})
		return m
	}
	objs := &TreeObjects{
		Machines: []unstructured.Unstructured{cp("a", "wc-1"), cp("a", "wc-2"), cp("b", "wc-1"),
			treeObject("Machine", "a", "wc-1-md-0-x", "wc-1", nil)},
		MachineDeployments: []unstructured.Unstructured{treeObject("MachineDeployment", "a", "wc-1-md-0", "wc-1", map[string]any{"replicas": int64(1)}),
			treeObject("MachineDeployment", "a", "wc-2-md-0", "wc-2", nil)},
		MachineHealthChecks: []unstructured.Unstructured{treeObject("MachineHealthCheck", "a", "wc-2-mhc", "", map[string]any{"clusterName": "wc-2"}),
			treeObject("MachineHealthCheck", "b", "wc-1-mhc", "", map[string]any{"clusterName": "wc-1"})},
		ControlPlanes: []unstructured.Unstructured{treeObject("KubeadmControlPlane", "a", "wc-1-cp", "", nil)},
	}
	tree := TreeFrom(cluster("a", "wc-1"), objs)
	if len(tree.Root.Children) != 2 {
		t.Fatalf("wc-1: want a control plane and workers, got %d children", len(tree.Root.Children))
	}
	cpNode, workers := tree.Root.Children[0], tree.Root.Children[1]
	if cpNode.Kind != "KubeadmControlPlane" || len(cpNode.Children) != 1 || cpNode.Children[0].Name != "wc-1-cp-1" {
		t.Errorf("wc-1 control plane: %+v", cpNode)
	}
	if len(workers.Children) != 1 || workers.Children[0].Name != "wc-1-md-0" {
		t.Errorf("wc-1 workers: %+v", workers)
	}
	if len(tree.MachineHealthChecks) != 0 {
		t.Errorf("wc-1 in namespace a has no MachineHealthCheck, got %d", len(tree.MachineHealthChecks))
	}
	tree = TreeFrom(cluster("a", "wc-2"), objs)
	if len(tree.MachineHealthChecks) != 1 || tree.MachineHealthChecks[0].Name != "wc-2-mhc" {
		t.Errorf("wc-2 health checks: %+v", tree.MachineHealthChecks)
	}
}
