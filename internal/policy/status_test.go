package policy

import (
	"context"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// TestStatusFindsNewAndLeftNamespaces: with a namespace selector, a
// namespace that joined the scope lacks the policy's object (missing) and
// one that left it still has it (extra); both are drift.
func TestStatusFindsNewAndLeftNamespaces(t *testing.T) {
	p := &Policy{Spec: Spec{Type: TypeNetwork, Recipe: "deny-all",
		Scope: NamespaceScope{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}}}}
	p.Metadata.Name = "n"
	ns := func(name string, labels map[string]any) runtime.Object {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace",
			"metadata": map[string]any{"name": name, "labels": labels}}}
	}
	objs := []runtime.Object{ns("a", map[string]any{"team": "a"}), ns("b", map[string]any{"team": "a"}), ns("c", nil)}
	for _, o := range Render(p, []string{"a", "c"}) { // applied when a and c were in scope
		objs = append(objs, o)
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		Namespaces: "NamespaceList", NetPols: "NetworkPolicyList"}, objs...)
	st, err := StatusOf(context.Background(), dyn, &Record{Policy: p}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := []Drift{
		{Object: "networkpolicy.networking.k8s.io/tko-n -n b", State: "missing"},
		{Object: "networkpolicy.networking.k8s.io/tko-n -n c", State: "extra", Detail: "no longer in the policy's scope"},
	}
	if !slices.Equal(st.Drift, want) || !slices.Equal(st.Namespaces, []string{"a", "b"}) || st.State() != "Drifted" {
		t.Fatalf("namespaces %v, drift %+v", st.Namespaces, st.Drift)
	}
}
