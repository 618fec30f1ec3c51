// Package lb tests `kubectl tko lb` through real kubectl and the real
// plugin against a real local control plane seeded with a TKO estate: the
// AKO operator's CRD (../shared/crds when present), AKO's StatefulSet and a
// warning Event on its pod, kube-vip's ConfigMap, and Services whose status
// the seed writes as AKO and kube-vip would.
package lb

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
