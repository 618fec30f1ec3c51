package wait_test

import (
	"context"
	"errors"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// TestDeleteCutShortByAnInterrupt: the request is cut short by the
// interrupt; whether the server took it decides what Delete returns.
func TestDeleteCutShortByAnInterrupt(t *testing.T) {
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	for _, tc := range []struct {
		name     string
		taken    bool // the server set deletionTimestamp before the cut
		finished bool // ... and the object is gone already
		wantErr  bool
	}{
		{name: "taken, being deleted", taken: true},
		{name: "taken, gone", taken: true, finished: true},
		{name: "never reached the server", wantErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, _ := fakeClient(fakeCluster(1, 1, "True"))
			ctx, interrupt := context.WithCancel(context.Background())
			client.PrependReactor("delete", "clusters", func(clienttesting.Action) (bool, runtime.Object, error) {
				interrupt()
				return true, nil, context.Canceled
			})
			client.PrependReactor("get", "clusters", func(clienttesting.Action) (bool, runtime.Object, error) {
				u := fakeCluster(1, 1, "True")
				switch {
				case tc.finished:
					return false, nil, nil // the tracker's object was never there for this name
				case tc.taken:
					now := metav1.Now()
					u.SetDeletionTimestamp(&now)
				}
				return true, u, nil
			})
			name := "wc-1"
			if tc.finished {
				name = "wc-gone"
			}
			err := wait.Delete(ctx, client.Resource(gvr).Namespace("default"), name, metav1.DeleteOptions{})
			if tc.wantErr != (err != nil) {
				t.Fatalf("got %v, want an error: %v", err, tc.wantErr)
			}
			if tc.wantErr && !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want the interrupt's error", err)
			}
		})
	}
}

// TestDeleteFailsWithoutAnInterrupt: a refusal is the caller's to report,
// a missing object is not.
func TestDeleteFailsWithoutAnInterrupt(t *testing.T) {
	gvr := schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	client, _ := fakeClient(fakeCluster(1, 1, "True"))
	res := client.Resource(gvr).Namespace("default")
	if err := wait.Delete(context.Background(), res, "missing", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("a missing object: %v", err)
	}
	forbidden := errors.New("forbidden")
	client.PrependReactor("delete", "clusters", func(clienttesting.Action) (bool, runtime.Object, error) { return true, nil, forbidden })
	if err := wait.Delete(context.Background(), res, "wc-1", metav1.DeleteOptions{}); !errors.Is(err, forbidden) {
		t.Fatalf("got %v, want the refusal", err)
	}
}
