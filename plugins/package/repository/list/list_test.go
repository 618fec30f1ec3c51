package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryList lists the seeded repository.
func TestRepositoryList(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "all namespaces", Args: clitest.Args("repository list -A"),
			Stdout: []string{"NAMESPACE\tNAME\tSOURCE\tSTATUS\tAGE\n", "tkg-system\ttanzu-standard\t(imgpkg) projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21\tReconcileSucceeded\t"}, NoChanges: true},
		{Name: "none here", Args: clitest.Args("repository list"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("repository list -o table"), Code: 2, NoRequests: true},
	})
}
