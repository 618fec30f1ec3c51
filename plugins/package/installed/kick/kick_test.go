package kick_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledKick makes kapp-controller reconcile a seeded install now:
// paused, then resumed.
func TestInstalledKick(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "kick", Args: clitest.Args("installed kick contour -n tanzu-packages"), Stdout: []string{"packageinstall.packaging.carvel.dev/contour kicked\n"},
			Check: clitest.All(clitest.Stored("packageinstalls", "tanzu-packages/contour", false, "spec", "paused"), clitest.Changes("patch", 2))},
		{Name: "not found", Args: clitest.Args("installed kick nope -n tanzu-packages"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("installed kick"), Code: 2, NoRequests: true},
	})
}
