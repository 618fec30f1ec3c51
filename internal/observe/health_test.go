package observe

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestClusterFinding(t *testing.T) {
	cluster := func(status map[string]any) *unstructured.Unstructured {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
			"metadata": map[string]any{"name": "wc-1", "namespace": "team-a"}}}
		if status != nil {
			u.Object["status"] = status
		}
		return u
	}
	cond := func(typ, status, reason, msg string) []any {
		return []any{map[string]any{"type": "ControlPlaneAvailable", "status": "False"}, map[string]any{"type": typ, "status": status, "reason": reason, "message": msg}}
	}
	for _, tc := range []struct {
		name     string
		status   map[string]any
		bad      bool
		severity Severity
		reason   string
		message  string
	}{
		{"available", map[string]any{"phase": "Provisioned", "conditions": cond("Available", "True", "Available", "")}, false, "", "", ""},
		{"ready v1beta1", map[string]any{"phase": "Provisioned", "conditions": cond("Ready", "True", "", "")}, false, "", "", ""},
		{"not available", map[string]any{"phase": "Provisioned", "conditions": cond("Available", "False", "NotAvailable", "control plane\nnot available")},
			true, SeverityError, "Available=False NotAvailable", "control plane not available"},
		{"provisioning", map[string]any{"phase": "Provisioning", "conditions": cond("Available", "False", "Provisioning", "waiting")},
			true, SeverityWarning, "Available=False Provisioning", "waiting"},
		// A cluster no controller has reported on is not Ready either.
		{"no status", nil, true, SeverityWarning, "NoReadyCondition", "no Ready or Available condition: Cluster API has not reported on it (is capi-controller-manager running?)"},
		{"failed without conditions", map[string]any{"phase": "Failed", "failureMessage": "vSphere: datastore full"},
			true, SeverityError, "NoReadyCondition Failed", "vSphere: datastore full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, bad := clusterFinding(cluster(tc.status))
			if bad != tc.bad {
				t.Fatalf("bad %v, want %v: %+v", bad, tc.bad, f)
			}
			if bad && (f.Severity != tc.severity || f.Reason != tc.reason || f.Message != tc.message || f.Area != "cluster" || f.Name != "wc-1" || f.Namespace != "team-a") {
				t.Fatalf("%+v", f)
			}
		})
	}
}
