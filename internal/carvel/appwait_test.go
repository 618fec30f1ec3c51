package carvel

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestAppCaughtUp: after an update, an App still paused, or not yet
// reconciled at its generation, is waited for; one reconciled at its
// generation (succeeded or failed) or gone is not.
func TestAppCaughtUp(t *testing.T) {
	app := func(generation, observed int64, paused bool, condition string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{
			"spec":   map[string]any{"paused": paused},
			"status": map[string]any{"observedGeneration": observed, "conditions": []any{map[string]any{"type": condition, "status": "True"}}},
		}}
		u.SetGeneration(generation)
		return u
	}
	for _, tc := range []struct {
		name string
		app  *unstructured.Unstructured
		done bool
	}{
		{"gone", nil, true},
		{"still paused", app(4, 4, true, "ReconcileSucceeded"), false},
		{"resumed, not yet observed", app(5, 4, false, "ReconcileSucceeded"), false},
		{"observed, reconciling", app(5, 5, false, "Reconciling"), false},
		{"reconciled", app(5, 5, false, "ReconcileSucceeded"), true},
		{"failed", app(5, 5, false, "ReconcileFailed"), true},
	} {
		done, err := appCaughtUp(tc.app)
		if err != nil || done != tc.done {
			t.Errorf("%s: done %v (%v), want %v", tc.name, done, err, tc.done)
		}
	}
}
