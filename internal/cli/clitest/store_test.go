package clitest

import (
	"context"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
)

func cluster(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": "default", "labels": map[string]any{"tier": "dev"}},
		"spec":     map[string]any{"topology": map[string]any{"version": "v1.30.2"}},
		"status":   map[string]any{"phase": "Provisioned"},
	}}
}

func client(t *testing.T, s *Server) dynamic.NamespaceableResourceInterface {
	t.Helper()
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return dyn.Resource(schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"})
}

// TestWritesKeepTheirParts: a create drops the status of a kind with a
// status subresource, an update keeps the stored status and bumps the
// generation only for a spec change, a status update keeps the spec, and
// a stale resourceVersion is a conflict.
func TestWritesKeepTheirParts(t *testing.T) {
	s := NewServer(t)
	c := client(t, s).Namespace("default")
	ctx := context.Background()
	created, err := c.Create(ctx, cluster("wc-1"), metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := created.Object["status"]; ok || created.GetGeneration() != 1 || created.GetUID() == "" {
		t.Fatalf("created: %v", created.Object)
	}
	withStatus := created.DeepCopy()
	withStatus.Object["status"] = map[string]any{"phase": "Provisioned"}
	st, err := c.UpdateStatus(ctx, withStatus, metav1.UpdateOptions{})
	if err != nil || st.Object["status"].(map[string]any)["phase"] != "Provisioned" || st.GetGeneration() != 1 {
		t.Fatalf("status update: %v %v", st, err)
	}
	relabelled := st.DeepCopy()
	relabelled.SetLabels(map[string]string{"tier": "prod"})
	delete(relabelled.Object, "status")
	got, err := c.Update(ctx, relabelled, metav1.UpdateOptions{})
	if err != nil || got.GetGeneration() != 1 || got.Object["status"] == nil {
		t.Fatalf("a label change: generation %d, status %v, %v", got.GetGeneration(), got.Object["status"], err)
	}
	_ = unstructured.SetNestedField(got.Object, "v1.31.1", "spec", "topology", "version")
	if got, err = c.Update(ctx, got, metav1.UpdateOptions{}); err != nil || got.GetGeneration() != 2 {
		t.Fatalf("a spec change: generation %d, %v", got.GetGeneration(), err)
	}
	if _, err := c.Update(ctx, relabelled, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("an update at a stale resourceVersion: %v, want a conflict", err)
	}
	elsewhere := cluster("wc-2")
	elsewhere.SetNamespace("")
	if _, err := client(t, s).Namespace("nowhere").Create(ctx, elsewhere, metav1.CreateOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a create in a missing namespace: %v", err)
	}
	if _, err := c.Create(ctx, cluster("wc-1"), metav1.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Errorf("a second create: %v", err)
	}
}

// TestApplyOwnsFields: server-side apply creates, removes the fields its
// manager no longer applies, and refuses another manager's change to an
// owned field unless forced.
func TestApplyOwnsFields(t *testing.T) {
	s := NewServer(t)
	c := client(t, s).Namespace("default")
	ctx := context.Background()
	apply := func(manager string, force bool, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return c.Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: manager, Force: force})
	}
	first := cluster("wc-1")
	_ = unstructured.SetNestedField(first.Object, "keep-me", "spec", "paused")
	if _, err := apply("kubectl-tko", true, first); err != nil {
		t.Fatal(err)
	}
	got, err := apply("kubectl-tko", true, cluster("wc-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, found, _ := unstructured.NestedFieldNoCopy(got.Object, "spec", "paused"); found || got.GetGeneration() != 2 || len(got.GetManagedFields()) == 0 {
		t.Errorf("the field no longer applied stays (found %v), generation %d", found, got.GetGeneration())
	}
	if again, err := apply("kubectl-tko", true, cluster("wc-1")); err != nil || again.GetResourceVersion() != got.GetResourceVersion() {
		t.Errorf("an apply that changes nothing moved the resourceVersion %s to %s (%v)", got.GetResourceVersion(), again.GetResourceVersion(), err)
	}
	other := cluster("wc-1")
	_ = unstructured.SetNestedField(other.Object, "v1.29.0", "spec", "topology", "version")
	if _, err := apply("someone-else", false, other); !apierrors.IsConflict(err) {
		t.Errorf("another manager's unforced apply: %v, want a conflict", err)
	}
	if got, err := apply("someone-else", true, other); err != nil || got.Object["spec"].(map[string]any)["topology"].(map[string]any)["version"] != "v1.29.0" {
		t.Errorf("a forced apply: %v", err)
	}
}

// TestDryRunsAndFinalizers: a dry run stores nothing; a delete of an
// object with finalizers marks it, and removing the last one removes it.
func TestDryRunsAndFinalizers(t *testing.T) {
	s := NewServer(t)
	c := client(t, s).Namespace("default")
	ctx := context.Background()
	dry := []string{metav1.DryRunAll}
	if got, err := c.Create(ctx, cluster("wc-1"), metav1.CreateOptions{DryRun: dry}); err != nil || got.GetName() != "wc-1" {
		t.Fatalf("dry-run create: %v", err)
	}
	if s.Object("clusters", "default", "wc-1") != nil || len(s.Changes()) != 0 {
		t.Fatal("a dry run stored the cluster")
	}
	obj := cluster("wc-1")
	obj.SetFinalizers([]string{"cluster.cluster.x-k8s.io"})
	s.Add(obj)
	if err := c.Delete(ctx, "wc-1", metav1.DeleteOptions{DryRun: dry}); err != nil || s.Object("clusters", "default", "wc-1").GetDeletionTimestamp() != nil {
		t.Fatalf("a dry-run delete: %v", err)
	}
	if err := c.Delete(ctx, "wc-1", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	deleting := s.Object("clusters", "default", "wc-1")
	if deleting == nil || deleting.GetDeletionTimestamp() == nil {
		t.Fatalf("a cluster with a finalizer: %v", deleting)
	}
	if _, err := c.Patch(ctx, "wc-1", types.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`), metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if s.Object("clusters", "default", "wc-1") != nil {
		t.Error("the cluster stayed once its last finalizer went")
	}
	if n := len(s.Changes()); n != 2 {
		t.Errorf("%d changes, want the delete and the patch: %v", n, s.Changes())
	}
}

// TestListsPageAndSelect: limit and continue page through the objects in
// key order; label and field selectors filter them.
func TestListsPageAndSelect(t *testing.T) {
	s := NewServer(t)
	for _, name := range []string{"c", "a", "b"} {
		obj := cluster(name)
		if name == "b" {
			obj.SetLabels(map[string]string{"tier": "prod"})
		}
		s.Add(obj)
	}
	c := client(t, s)
	ctx := context.Background()
	page, err := c.List(ctx, metav1.ListOptions{Limit: 2})
	if err != nil || len(page.Items) != 2 || page.Items[0].GetName() != "a" || page.GetContinue() == "" {
		t.Fatalf("first page: %v %v", page, err)
	}
	rest, err := c.List(ctx, metav1.ListOptions{Limit: 2, Continue: page.GetContinue()})
	if err != nil || len(rest.Items) != 1 || rest.Items[0].GetName() != "c" || rest.GetContinue() != "" {
		t.Fatalf("second page: %v %v", rest, err)
	}
	for _, tt := range []struct {
		opts metav1.ListOptions
		want int
	}{
		{metav1.ListOptions{LabelSelector: "tier=prod"}, 1},
		{metav1.ListOptions{FieldSelector: "metadata.name=c"}, 1},
		{metav1.ListOptions{FieldSelector: "status.phase!=Provisioned"}, 0},
		{metav1.ListOptions{LabelSelector: "tier in (dev),!x"}, 2},
	} {
		got, err := c.List(ctx, tt.opts)
		if err != nil || len(got.Items) != tt.want {
			t.Errorf("%+v: %v, %v; want %d", tt.opts, got, err, tt.want)
		}
	}
}

// TestWatchFromAVersion: a watch from a list's version sees the changes
// after it and only those, in order.
func TestWatchFromAVersion(t *testing.T) {
	s := NewServer(t, cluster("old"))
	c := client(t, s).Namespace("default")
	ctx := context.Background()
	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, metav1.ListOptions{ResourceVersion: list.GetResourceVersion()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	s.Add(cluster("new"))
	if err := c.Delete(ctx, "old", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []struct {
		typ  watch.EventType
		name string
	}{{watch.Added, "new"}, {watch.Deleted, "old"}} {
		ev := <-w.ResultChan()
		if u, ok := ev.Object.(*unstructured.Unstructured); !ok || ev.Type != want.typ || u.GetName() != want.name {
			t.Errorf("event %s %v, want %s %s", ev.Type, ev.Object, want.typ, want.name)
		}
	}
}
