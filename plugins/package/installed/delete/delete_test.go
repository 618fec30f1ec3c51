package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledDelete deletes a seeded install and what was created for
// it, after asking or with --yes.
func TestInstalledDelete(t *testing.T) {
	gone := clitest.All(clitest.Gone("packageinstalls", "tanzu-packages/contour"), clitest.Gone("secrets", "tanzu-packages/contour-tanzu-packages-values"))
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "yes", Server: clitest.PackagesEstate, Args: clitest.Args("installed delete contour -n tanzu-packages --yes"),
			Stdout: []string{"packageinstall.packaging.carvel.dev/contour deleted\n", "  Secret/contour-tanzu-packages-values deleted\n", "  ServiceAccount/contour-tanzu-packages-sa deleted\n"}, Check: gone},
		{Name: "asked on a terminal", Server: clitest.PackagesEstate, Args: clitest.Args("installed delete contour -n tanzu-packages"), TTY: true, Stdin: "y\n",
			Stdout: []string{"packageinstall.packaging.carvel.dev/contour deleted\n"}, Check: gone},
		{Name: "no terminal, no --yes", Args: clitest.Args("installed delete contour -n tanzu-packages"), Code: 2, Stderr: []string{"without --yes"}, NoChanges: true},
		{Name: "not found", Args: clitest.Args("installed delete nope -n tanzu-packages --yes"), Code: 3, NoChanges: true},
		{Name: "exclusive fleets", Args: clitest.Args("installed delete contour --cluster a --all-workload-clusters --yes"), Code: 2, NoRequests: true},
	})
}
