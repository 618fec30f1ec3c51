package groups

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

func namespace(name string, labels map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name, "labels": labels}}}
}

// A namespace kapp holds for the policy is orphaned on delete; one that
// another kapp app deployed stays with server-side apply (kapp would fail
// the whole App over a resource of two apps); a namespace this policy's
// App holds already is its own.
func TestHoldNamespacesLeavesOtherAppsNamespaces(t *testing.T) {
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{Namespaces: "NamespaceList"},
		namespace("plain", nil),
		namespace("theirs", map[string]any{kappApp: "123"}),
		namespace("ours", map[string]any{kappApp: "456", policy.LabelPolicy: "base"}))
	want := []*unstructured.Unstructured{namespace("plain", nil), namespace("theirs", nil), namespace("ours", nil)}
	held, applied, err := holdNamespaces(context.Background(), dyn, "base", want)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 1 || applied[0].GetName() != "theirs" {
		t.Fatalf("left to server-side apply: %v", applied)
	}
	if len(held) != 2 || held[0].GetName() != "plain" || held[1].GetName() != "ours" {
		t.Fatalf("held: %v", held)
	}
	for _, ns := range held {
		if ns.GetAnnotations()[deleteStrategy] != "orphan" {
			t.Errorf("namespace %s would be deleted with the App: %v", ns.GetName(), ns.GetAnnotations())
		}
	}
	if want[0].GetAnnotations() != nil {
		t.Error("the plan's namespaces were changed in place")
	}
}
