package fleet

import (
	"context"
	"errors"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func TestContextNames(t *testing.T) {
	raw := clientcmdapi.Config{Contexts: map[string]*clientcmdapi.Context{"mc-b": {}, "mc-a": {}, "mc-c": {}}}
	tests := []struct {
		name    string
		sel     Selection
		want    []string
		missing bool
	}{
		{"all, sorted", Selection{AllContexts: true}, []string{"mc-a", "mc-b", "mc-c"}, false},
		{"named, in the given order", Selection{Contexts: []string{"mc-c", "mc-a"}}, []string{"mc-c", "mc-a"}, false},
		{"unknown named stays, to fail in its own row", Selection{Contexts: []string{"mc-a", "mc-x"}}, []string{"mc-a", "mc-x"}, false},
		{"none", Selection{}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContextNames(raw, tt.sel)
			var nf *errs.NotFoundError
			if tt.missing != errors.As(err, &nf) {
				t.Fatalf("error %v, want missing=%v", err, tt.missing)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSingle(t *testing.T) {
	for _, tt := range []struct {
		sel  Selection
		want bool
	}{
		{Selection{}, true},
		{Selection{Clusters: []string{"wc-1"}}, true},
		{Selection{Contexts: []string{"mc-a"}}, true},
		{Selection{Clusters: []string{"a", "b"}}, false},
		{Selection{Contexts: []string{"a", "b"}}, false},
		{Selection{AllWorkloadClusters: true}, false},
		{Selection{ClusterSelector: "plan=prod"}, false},
		{Selection{AllContexts: true}, false},
	} {
		if got := tt.sel.Single(); got != tt.want {
			t.Errorf("%+v: Single() = %v, want %v", tt.sel, got, tt.want)
		}
	}
}

func cluster(ns, name string, labels map[string]any, extra func(map[string]any)) runtime.Object {
	u := map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": labels},
		"spec":     map[string]any{},
	}
	if extra != nil {
		extra(u)
	}
	return &unstructured.Unstructured{Object: u}
}

func kubeconfigSecret(ns, cluster string) runtime.Object {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": cluster + "-kubeconfig", "namespace": ns},
	}}
}

func TestWorkloadClusters(t *testing.T) {
	prod := map[string]any{"tkg.tanzu.vmware.com/cluster-plan": "prod"}
	objs := []runtime.Object{
		cluster("tkg-system", "mc", map[string]any{"cluster-role.tkg.tanzu.vmware.com/management": ""}, nil),
		cluster("team-a", "wc-a", prod, nil), kubeconfigSecret("team-a", "wc-a"),
		cluster("team-b", "wc-b", nil, nil), kubeconfigSecret("team-b", "wc-b"),
		cluster("team-b", "wc-new", prod, nil), // no kubeconfig Secret yet
		cluster("team-c", "wc-gone", nil, func(u map[string]any) {
			u["metadata"].(map[string]any)["deletionTimestamp"] = "2026-01-01T00:00:00Z"
			u["metadata"].(map[string]any)["finalizers"] = []any{"cluster.cluster.x-k8s.io"}
		}), kubeconfigSecret("team-c", "wc-gone"),
	}
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{gvr: "ClusterList"}, objs...)
	api := capi.API{Version: "v1beta2"}
	names := func(cs []capi.Cluster) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.Namespace+"/"+c.Name)
		}
		return out
	}
	tests := []struct {
		name          string
		sel           Selection
		want          []string
		unprovisioned []string
		notFound      bool
	}{
		{"every workload cluster", Selection{AllWorkloadClusters: true}, []string{"team-a/wc-a", "team-b/wc-b"}, []string{"team-b/wc-new"}, false},
		{"by selector", Selection{ClusterSelector: "tkg.tanzu.vmware.com/cluster-plan=prod"}, []string{"team-a/wc-a"}, []string{"team-b/wc-new"}, false},
		{"by name", Selection{Clusters: []string{"wc-b"}}, []string{"team-b/wc-b"}, nil, false},
		{"the management cluster is never a target", Selection{Clusters: []string{"mc"}}, nil, nil, true},
		{"a deleting cluster is never a target", Selection{Clusters: []string{"wc-gone"}}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, unprov, err := WorkloadClusters(context.Background(), dyn, api, "", tt.sel)
			var nf *errs.NotFoundError
			if tt.notFound != errors.As(err, &nf) {
				t.Fatalf("error %v, want not found=%v", err, tt.notFound)
			}
			if !slices.Equal(names(got), tt.want) || !slices.Equal([]string(unprov), tt.unprovisioned) {
				t.Errorf("got %v (unprovisioned %v), want %v (%v)", names(got), unprov, tt.want, tt.unprovisioned)
			}
		})
	}
}
