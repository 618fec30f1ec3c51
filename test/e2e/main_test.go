// Package e2e runs the real plugin binaries through the real kubectl
// against a real local control plane seeded with a TKO estate.
package e2e

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
