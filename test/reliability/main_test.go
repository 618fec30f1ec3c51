// Package reliability is the fault and secrets matrix: every command that
// talks to a cluster, run against faults a real estate produces (an
// unreachable or silent API server, a certificate from another CA, a bad
// token, a user without rights, broken kubeconfigs) and against Secrets
// planted with marker strings. Each case asserts one stderr line naming the
// cause (no usage dump, no stack trace, no client-go log line), the
// documented exit code, and that no marker appears in any output. The
// faults are real processes and listeners on loopback, not mocks.
//
// TestMatrix ends with the figure `make reliability` prints.
package reliability

import (
	"fmt"
	"os"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var suite harness.Suite

func TestMain(m *testing.M) {
	// Velero's CRDs and recorded objects too: the backup rows read them.
	code := harness.Main(m, &suite, testenv.Options{Seed: true, Velero: true})
	if n := figure.cases.Load(); n > 0 {
		fmt.Printf("reliability: %d cases over %d commands; %d failures, %d objects leaked, %d secrets leaked\n",
			n, len(Commands)+len(VSphereCommands), figure.failures.Load(), figure.leakedObjects.Load(), figure.leakedSecrets.Load())
	}
	os.Exit(code)
}
