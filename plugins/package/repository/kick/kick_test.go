package kick_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryKick makes kapp-controller fetch the seeded repository now.
func TestRepositoryKick(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "kick", Args: clitest.Args("repository kick tanzu-standard -n tkg-system"), Stdout: []string{"packagerepository.packaging.carvel.dev/tanzu-standard kicked\n"},
			Check: clitest.Changes("patch", 2)},
		{Name: "not found", Args: clitest.Args("repository kick nope -n tkg-system"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("repository kick"), Code: 2, NoRequests: true},
	})
}
