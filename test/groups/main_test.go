// Package groups tests `kubectl tko cluster group` through real kubectl and
// the real plugin against a real local control plane running a real
// kapp-controller (v0.51.0): the Apps a group writes are reconciled by
// kapp-controller through the members' kubeconfig Secrets, which reach the
// same local API server (a seeded workload cluster's Secret holds its
// kubeconfig) or, for a cluster that joins, a second control plane of its
// own; those API servers enforce what the Apps deploy, and a real Velero
// takes the backups of a group's schedule. The tests
// prove that kapp-controller holds a group's intent, not only that the
// Apps have the right shape.
package groups

import (
	"os"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var suite harness.Suite

func TestMain(m *testing.M) {
	os.Exit(harness.Main(m, &suite, testenv.Options{Seed: true, KappController: true}))
}
