package capi

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestSelectedPools(t *testing.T) {
	md := func(name, pool string, tmpl map[string]any) unstructured.Unstructured {
		u := unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "MachineDeployment",
			"metadata": map[string]any{"name": name}, "spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": tmpl}}}}}
		if pool != "" {
			u.SetLabels(map[string]string{LabelTopologyMD: pool})
		}
		return u
	}
	mds := []unstructured.Unstructured{
		md("wc-1-md-0-x7k2q", "md-0", map[string]any{LabelTopologyMD: "md-0", "topology.cluster.x-k8s.io/owned": ""}),
		md("wc-1-md-1-p9d4m", "md-1", map[string]any{LabelTopologyMD: "md-1", "topology.cluster.x-k8s.io/owned": ""}),
		md("wc-1-legacy", "", map[string]any{"node-pool": "legacy"}),
	}
	mhc := func(selector map[string]any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{"clusterName": "wc-1", "selector": selector}}}
	}
	for _, tc := range []struct {
		name     string
		selector map[string]any
		want     []string
	}{
		// What the topology controller writes for one pool.
		{"one topology pool", map[string]any{"matchLabels": map[string]any{LabelClusterName: "wc-1", "topology.cluster.x-k8s.io/owned": "", LabelTopologyMD: "md-1"}}, []string{"md-1"}},
		{"every worker", map[string]any{"matchExpressions": []any{map[string]any{"key": LabelDeploymentName, "operator": "Exists"}}},
			[]string{"md-0", "md-1", "wc-1-legacy"}},
		{"by deployment name", map[string]any{"matchLabels": map[string]any{LabelDeploymentName: "wc-1-legacy"}}, []string{"wc-1-legacy"}},
		{"nothing", map[string]any{"matchLabels": map[string]any{LabelTopologyMD: "md-9"}}, nil},
	} {
		if got := selectedPools(mhc(tc.selector), mds, "wc-1"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
