package wait_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// These tests need no control plane: a fake dynamic client whose watch is
// driven by the test, as kubectl's wait_test.go does. The control-plane
// tests beside them cover the same checks against a real API server.

func fakeCluster(generation, observed int64, available string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": "wc-1", "namespace": "default", "generation": generation, "resourceVersion": "1"},
		"status": map[string]any{"observedGeneration": observed, "conditions": []any{
			map[string]any{"type": "Available", "status": available, "reason": "Test", "message": "control plane 1/3"},
		}},
	}}
	return u
}

func fakeClient(initial *unstructured.Unstructured) (*dynamicfake.FakeDynamicClient, *watch.FakeWatcher) {
	scheme := runtime.NewScheme()
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{gvr: "ClusterList"}, initial)
	w := watch.NewFakeWithChanSize(10, false)
	client.PrependWatchReactor("clusters", clienttesting.DefaultWatchReactor(w, nil))
	return client, w
}

func fakeSpec(client *dynamicfake.FakeDynamicClient, timeout time.Duration) wait.Spec {
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	return wait.Spec{
		Client: client.Resource(gvr).Namespace("default"), Namespace: "default", Name: "wc-1",
		What: "cluster default/wc-1 to become Available", Timeout: timeout,
		Check:   wait.ConditionTrue("Available", ""),
		Summary: func(u *unstructured.Unstructured) string { return "Available=" + cond(u) },
	}
}

func cond(u *unstructured.Unstructured) string {
	if c, ok := wait.Find(wait.Conditions(u, "status", "conditions"), "Available"); ok {
		return c.Status
	}
	return "?"
}

func TestFakeWatchEndsOnTheEventThatSatisfiesTheCheck(t *testing.T) {
	client, w := fakeClient(fakeCluster(2, 2, "False"))
	go func() {
		w.Modify(fakeCluster(2, 1, "True")) // a status older than the spec: never trusted
		w.Modify(fakeCluster(2, 2, "True"))
	}()
	got, err := wait.For(context.Background(), fakeSpec(client, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if cond(got) != "True" || got.GetGeneration() != 2 {
		t.Fatalf("returned %v", got.Object["status"])
	}
}

func TestFakeWatchTimeoutSaysWhereItStopped(t *testing.T) {
	client, _ := fakeClient(fakeCluster(1, 1, "False"))
	_, err := wait.For(context.Background(), fakeSpec(client, 200*time.Millisecond))
	var timeout *errs.TimeoutError
	if !errors.As(err, &timeout) || !strings.Contains(timeout.Last, "Available=False") {
		t.Fatalf("want a timeout naming the last state, got %v", err)
	}
}

func TestFakeWatchStopsOnInterrupt(t *testing.T) {
	client, _ := fakeClient(fakeCluster(1, 1, "False"))
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(errs.ErrInterrupted) })
	if _, err := wait.For(ctx, fakeSpec(client, 0)); !errors.Is(err, errs.ErrInterrupted) {
		t.Fatalf("want interrupted, got %v", err)
	}
}

// A watch that ends (here with the 410 a server sends for an expired
// version) is followed by a new list, which sees what changed meanwhile,
// and a new watch from the list's version.
func TestFakeWatchThatExpiresListsAgain(t *testing.T) {
	client, _ := fakeClient(fakeCluster(1, 1, "False"))
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	lists, watches := 0, 0
	client.PrependReactor("list", "clusters", func(clienttesting.Action) (bool, runtime.Object, error) {
		lists++
		return false, nil, nil
	})
	client.PrependWatchReactor("clusters", func(clienttesting.Action) (bool, watch.Interface, error) {
		watches++
		w := watch.NewFakeWithChanSize(2, false)
		if watches == 1 {
			// Meanwhile the cluster became Available, and the version the
			// watch started from expired.
			if err := client.Tracker().Update(gvr, fakeCluster(1, 1, "True"), "default"); err != nil {
				t.Error(err)
			}
			w.Error(&metav1.Status{Status: metav1.StatusFailure, Code: 410, Reason: metav1.StatusReasonExpired})
		}
		return true, w, nil
	})
	got, err := wait.For(context.Background(), fakeSpec(client, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if cond(got) != "True" || lists != 2 || watches != 1 {
		t.Fatalf("Available=%s after %d lists and %d watches, want True after 2 and 1", cond(got), lists, watches)
	}
}

// A check that fails on a change the watch saw ends the wait with the
// check's own error; on the first look it is said what was waited for.
func TestFakeWatchCheckFailure(t *testing.T) {
	failed := errors.New("ReconcileFailed: boom")
	check := func(u *unstructured.Unstructured) (bool, error) {
		if cond(u) == "Unknown" {
			return false, failed
		}
		return false, nil
	}
	client, w := fakeClient(fakeCluster(1, 1, "False"))
	spec := fakeSpec(client, 10*time.Second)
	spec.Check = check
	go w.Modify(fakeCluster(1, 1, "Unknown"))
	if _, err := wait.For(context.Background(), spec); !errors.Is(err, failed) || err.Error() != failed.Error() {
		t.Errorf("on a change: got %v, want the check's error as it is", err)
	}
	client, _ = fakeClient(fakeCluster(1, 1, "Unknown"))
	spec = fakeSpec(client, 10*time.Second)
	spec.Check = check
	if _, err := wait.For(context.Background(), spec); !errors.Is(err, failed) || !strings.HasPrefix(err.Error(), "waiting for cluster default/wc-1 to become Available: ") {
		t.Errorf("on the first look: got %v", err)
	}
}

// A list the API server refuses for good (no right to read) ends the wait
// at once with its answer, where a retry would only run out the timeout.
func TestFakeWatchForbiddenEndsAtOnce(t *testing.T) {
	client, _ := fakeClient(fakeCluster(1, 1, "False"))
	lists := 0
	client.PrependReactor("list", "clusters", func(clienttesting.Action) (bool, runtime.Object, error) {
		lists++
		return true, nil, apierrors.NewForbidden(schema.GroupResource{Group: "cluster.x-k8s.io", Resource: "clusters"}, "", errors.New("user cannot list"))
	})
	start := time.Now()
	_, err := wait.For(context.Background(), fakeSpec(client, time.Minute))
	var te *errs.TimeoutError
	if !apierrors.IsForbidden(err) || errors.As(err, &te) || lists != 1 || !strings.HasPrefix(err.Error(), "waiting for cluster default/wc-1 to become Available: ") {
		t.Fatalf("after %d lists and %s: %v", lists, time.Since(start).Round(time.Millisecond), err)
	}
}
