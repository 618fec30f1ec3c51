// Package backup tests `kubectl tko cluster backup` and `restore` through
// real kubectl and the real plugin against a real local control plane, a
// real Velero server (v1.18.3 with velero-plugin-for-aws v1.14.3, built by
// hack/tools.sh and run out of cluster as Velero's own "run locally"
// development setup does) and a real S3 store on loopback (versitygw
// v1.8.0 over a temporary directory).
package backup

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
