package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryGet describes the seeded repository.
func TestRepositoryGet(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "describe", Args: clitest.Args("repository get tanzu-standard -n tkg-system"),
			Stdout: []string{"Name:        tanzu-standard\n", "Source:      (imgpkg) projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21\n", "Status:      ReconcileSucceeded\n"}, NoChanges: true},
		{Name: "as json", Args: clitest.Args("repository get tanzu-standard -n tkg-system -o json"), Stdout: []string{`"kind": "PackageRepository"`}},
		{Name: "not found", Args: clitest.Args("repository get tanzu-standard"), Code: 3, Stderr: []string{"tanzu-standard"}},
		{Name: "no name", Args: clitest.Args("repository get"), Code: 2, NoRequests: true},
	})
}
