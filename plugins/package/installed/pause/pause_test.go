package pause_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledPause stops kapp-controller reconciling a seeded install.
func TestInstalledPause(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "pause", Args: clitest.Args("installed pause contour -n tanzu-packages"), Stdout: []string{"packageinstall.packaging.carvel.dev/contour paused\n"},
			Check: clitest.Stored("packageinstalls", "tanzu-packages/contour", true, "spec", "paused")},
		{Name: "not found", Args: clitest.Args("installed pause nope -n tanzu-packages"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("installed pause"), Code: 2, NoRequests: true},
	})
}
