// Package policy tests `kubectl tko cluster policy` through real kubectl
// and the real plugin against a real local control plane, whose
// kube-apiserver enforces Pod Security Admission and
// ValidatingAdmissionPolicies itself and whose kube-controller-manager
// keeps ResourceQuota usage: the API server, not the test, says what a
// policy refuses. NetworkPolicies are stored only (no CNI runs).
package policy

import (
	"os"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var suite harness.Suite

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, &suite, testenv.Options{Seed: true}))
}
