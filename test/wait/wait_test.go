package wait_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

var dyn dynamic.Interface

var clusters = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}

// TestMain runs a real control plane with the Cluster API CRDs; the tests
// play the Cluster API controller by writing status through the status
// subresource, as it would.
func TestMain(m *testing.M) {
	os.Exit(testenv.RunTests(m, testenv.Options{}, 2*time.Minute, func(r testenv.Running) error { dyn = r.Dyn; return nil }))
}

func newCluster(t *testing.T, name string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": "default"},
		"spec":     map[string]any{"controlPlaneEndpoint": map[string]any{"host": "10.0.0.1", "port": int64(6443)}},
	}}
	created, err := dyn.Resource(clusters).Namespace("default").Create(context.Background(), u, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = dyn.Resource(clusters).Namespace("default").Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return created
}

// setStatus writes status as the Cluster API controller would.
func setStatus(t *testing.T, name string, observed int64, available string) {
	t.Helper()
	client := dyn.Resource(clusters).Namespace("default")
	u, err := client.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Error(err)
		return
	}
	u.Object["status"] = map[string]any{
		"observedGeneration": observed,
		"conditions": []any{map[string]any{
			"type": "Available", "status": available, "reason": "Test", "message": "set by test",
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339), "observedGeneration": observed,
		}},
	}
	if _, err := client.UpdateStatus(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Error(err)
	}
}

func bumpGeneration(t *testing.T, name string) int64 {
	t.Helper()
	client := dyn.Resource(clusters).Namespace("default")
	u, err := client.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(u.Object, true, "spec", "paused")
	u, err = client.Update(context.Background(), u, metav1.UpdateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return u.GetGeneration()
}

func spec(name string, timeout time.Duration) wait.Spec {
	return wait.Spec{
		Client: dyn.Resource(clusters).Namespace("default"), Namespace: "default", Name: name,
		What: "cluster " + name + " to become Available", Timeout: timeout,
		Check: wait.ConditionTrue("Available", ""),
		Summary: func(u *unstructured.Unstructured) string {
			c, _ := wait.Find(wait.Conditions(u), "Available")
			return "Available=" + c.Status
		},
	}
}

func TestWaitIgnoresStaleStatus(t *testing.T) {
	newCluster(t, "stale")
	setStatus(t, "stale", 1, "True")
	gen := bumpGeneration(t, "stale") // the True above now describes an older spec
	done := make(chan struct{})
	go func() {
		defer close(done)
		time.Sleep(300 * time.Millisecond) // let the wait see the stale status first
		setStatus(t, "stale", gen, "False")
		setStatus(t, "stale", gen, "True")
	}()
	start := time.Now()
	got, err := wait.For(context.Background(), spec("stale", 30*time.Second))
	<-done
	if err != nil {
		t.Fatal(err)
	}
	if observed, _, _ := unstructured.NestedInt64(got.Object, "status", "observedGeneration"); observed != gen {
		t.Errorf("returned on observedGeneration %d, want %d", observed, gen)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Error("returned on the stale status")
	}
}

func TestWaitAlreadyTrue(t *testing.T) {
	u := newCluster(t, "ready")
	setStatus(t, "ready", u.GetGeneration(), "True")
	if _, err := wait.For(context.Background(), spec("ready", 10*time.Second)); err != nil {
		t.Fatal(err)
	}
}

func TestWaitTimeoutSaysWhereItStopped(t *testing.T) {
	u := newCluster(t, "never")
	setStatus(t, "never", u.GetGeneration(), "False")
	_, err := wait.For(context.Background(), spec("never", time.Second))
	var timeout *errs.TimeoutError
	if !errors.As(err, &timeout) || timeout.Last != "Available=False" {
		t.Fatalf("got %v, want a timeout naming the last state", err)
	}
	if _, code := explain.Explain(err); code != explain.ExitTimeout {
		t.Errorf("exit code %d", code)
	}
}

func TestWaitCancelled(t *testing.T) {
	newCluster(t, "cancelled")
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(300*time.Millisecond, func() { cancel(errs.ErrInterrupted) })
	_, err := wait.For(ctx, spec("cancelled", 0))
	if !errors.Is(err, errs.ErrInterrupted) {
		t.Fatalf("got %v, want interrupted", err)
	}
}

func TestWaitFailureCondition(t *testing.T) {
	u := newCluster(t, "failing")
	client := dyn.Resource(clusters).Namespace("default")
	u.Object["status"] = map[string]any{"conditions": []any{map[string]any{
		"type": "RemoteConnectionProbe", "status": "True", "reason": "Broken", "message": "etcd quorum lost",
		"lastTransitionTime": time.Now().UTC().Format(time.RFC3339),
	}}}
	if _, err := client.UpdateStatus(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	s := spec("failing", 10*time.Second)
	s.Check = wait.ConditionTrue("Available", "RemoteConnectionProbe")
	_, err := wait.For(context.Background(), s)
	var failed *wait.FailedError
	if !errors.As(err, &failed) || failed.Condition.Message != "etcd quorum lost" {
		t.Fatalf("got %v, want the failure condition's message", err)
	}
}

func TestWaitDeleted(t *testing.T) {
	newCluster(t, "gone")
	time.AfterFunc(300*time.Millisecond, func() {
		_ = dyn.Resource(clusters).Namespace("default").Delete(context.Background(), "gone", metav1.DeleteOptions{})
	})
	s := spec("gone", 10*time.Second)
	s.Check = wait.Deleted
	if _, err := wait.For(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}
