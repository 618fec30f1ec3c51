package clitest

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// KappController reconciles PackageInstalls and PackageRepositories as
// kapp-controller does once it has run: every stored change gets a status
// at its generation, ReconcileSucceeded, or ReconcileFailed with the
// message fail returns for it ("" to succeed; nil always succeeds); a
// deleted one loses its finalizers and goes.
func (s *Server) KappController(fail func(u *unstructured.Unstructured) string) {
	for _, resource := range []string{"packageinstalls", "packagerepositories"} {
		reconcile := func(r Request) {
			u := r.Object
			if r.Verb == "delete" || u.GetDeletionTimestamp() != nil {
				s.Remove(resource, u.GetNamespace(), u.GetName())
				return
			}
			msg := ""
			if fail != nil {
				msg = fail(u)
			}
			u.Object["status"] = reconciled(u.GetGeneration(), msg)
			s.Add(u)
		}
		for _, verb := range []string{"create", "update", "patch", "delete"} {
			s.After(verb, resource, reconcile)
		}
	}
}

// reconciled is kapp-controller's status after a reconcile.
func reconciled(generation int64, failure string) map[string]any {
	if failure != "" {
		return map[string]any{
			"observedGeneration": generation, "friendlyDescription": "Reconcile failed: Error (see .status.usefulErrorMessage for details)",
			"usefulErrorMessage": failure,
			"conditions":         []any{map[string]any{"type": "ReconcileFailed", "status": "True", "message": failure}},
		}
	}
	return map[string]any{
		"observedGeneration": generation, "friendlyDescription": "Reconcile succeeded",
		"conditions": []any{map[string]any{"type": "ReconcileSucceeded", "status": "True"}},
	}
}

// Remove deletes an object outright, finalizers and all, as the
// controller that owns the finalizers does when its work is done.
func (s *Server) Remove(resource, namespace, name string) {
	s.t.Helper()
	k := s.kindNamed(resource)
	if obj, err := s.store.get(k, namespace, name); err == nil {
		obj.SetFinalizers(nil)
		s.store.put(k, obj)
		if _, err := s.store.delete(k, namespace, name, write{}); err != nil {
			s.t.Errorf("clitest: removing %s %s/%s: %v", resource, namespace, name, err)
		}
	}
}
