package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryDelete deletes the seeded repository after asking or with
// --yes.
func TestRepositoryDelete(t *testing.T) {
	gone := clitest.Gone("packagerepositories", "tkg-system/tanzu-standard")
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "yes", Args: clitest.Args("repository delete tanzu-standard -n tkg-system --yes"), Stdout: []string{"packagerepository.packaging.carvel.dev/tanzu-standard deleted\n"}, Check: gone},
		{Name: "asked on a terminal", Args: clitest.Args("repository delete tanzu-standard -n tkg-system"), TTY: true, Stdin: "yes\n", Stdout: []string{"tanzu-standard deleted"}, Check: gone},
		{Name: "no terminal, no --yes", Args: clitest.Args("repository delete tanzu-standard -n tkg-system"), Code: 2, Stderr: []string{"without --yes"}, NoChanges: true},
		{Name: "not found", Args: clitest.Args("repository delete nope -n tkg-system --yes"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("repository delete --yes"), Code: 2, NoRequests: true},
	})
}
