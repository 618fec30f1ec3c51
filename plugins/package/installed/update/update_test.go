package update_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledUpdate changes a seeded install's version or values,
// checked against the package first.
func TestInstalledUpdate(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "values with diff", Server: clitest.PackagesEstate, Args: clitest.Args("installed update contour -n tanzu-packages --values contour.replicas=3 --diff"),
			Stdout: []string{`  values.contour: (none) → {"replicas":3}`, "packageinstall.packaging.carvel.dev/contour updated\n"}},
		{Name: "version, waiting", Server: clitest.PackagesEstate, Args: clitest.Args("installed update contour -n tanzu-packages --version 1.25.2+vmware.1-tkg.1 --wait"),
			Stdout: []string{"packageinstall.packaging.carvel.dev/contour updated\n"}, Stderr: []string{"package install tanzu-packages/contour reconciled"},
			Check: clitest.Stored("packageinstalls", "tanzu-packages/contour", "1.25.2+vmware.1-tkg.1", "spec", "packageRef", "versionSelection", "constraints")},
		{Name: "unknown version", Server: clitest.PackagesEstate, Args: clitest.Args("installed update contour -n tanzu-packages --version 1.27.0"),
			Code: 3, Stderr: []string{`version "1.27.0" not found`}, NoChanges: true},
		{Name: "values off the schema", Server: clitest.PackagesEstate, Args: clitest.Args("installed update contour -n tanzu-packages --values contour.logLevel=loud"),
			Code: 2, NoChanges: true},
		{Name: "not found", Server: clitest.PackagesEstate, Args: clitest.Args("installed update nope -n tanzu-packages --version 1.25.2"), Code: 3, NoChanges: true},
		{Name: "exclusive versions", Args: clitest.Args("installed update contour --version 1 --version-constraint >=1"), Code: 2, NoRequests: true},
	})
}
