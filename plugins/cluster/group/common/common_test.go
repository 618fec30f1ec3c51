package common

import (
	"context"
	"errors"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
)

// TestInterruptedSaysWhatWasDone: Ctrl-C during a sync is exit 5 with one
// line naming what was written, what was not, and how to finish.
func TestInterruptedSaysWhatWasDone(t *testing.T) {
	changes := []groups.Change{
		{Cluster: "default/wc-1", Intent: "policy/base", App: &unstructured.Unstructured{}, Verb: "created"},
		{Cluster: "team-a/wc-2", Intent: "policy/base", Err: context.Canceled},
	}
	if err := Interrupted(context.Background(), "prod", changes); err != nil {
		t.Fatalf("not interrupted: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Interrupted(ctx, "prod", changes)
	msg, code := explain.Explain(err)
	if code != explain.ExitInterrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("exit %d: %s", code, msg)
	}
	want := "group prod is saved; done: default/wc-1 policy/base (created); not done: team-a/wc-2 policy/base; finish with 'kubectl tko cluster group sync prod'"
	if len(msg) < len(want) || msg[:len(want)] != want {
		t.Fatalf("message %q", msg)
	}
}
