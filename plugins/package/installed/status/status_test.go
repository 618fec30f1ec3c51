package status_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledStatus says how a seeded install reconciled, with
// kapp-controller's whole error when it failed.
func TestInstalledStatus(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "succeeded", Args: clitest.Args("installed status contour -n tanzu-packages"), Stdout: []string{"tanzu-packages/contour: ReconcileSucceeded\n"}, NoChanges: true},
		{Name: "failed", Args: clitest.Args("installed status prometheus -n tanzu-packages"),
			Stdout: []string{"tanzu-packages/prometheus: ReconcileFailed\n", "Error:\n", "ProgressDeadlineExceeded"}},
		{Name: "not found", Args: clitest.Args("installed status nope -n tanzu-packages"), Code: 3},
		{Name: "no name", Args: clitest.Args("installed status"), Code: 2, NoRequests: true},
	})
}
