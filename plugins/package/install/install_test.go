package install_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstall installs a package of the seeded repository: the
// PackageInstall with its ServiceAccount, RBAC and values Secret; values
// are checked against the package's schema before anything is created.
func TestInstall(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "waits on a terminal", Server: clitest.PackagesEstate, TTY: true,
			Args:   clitest.Args("install contour2 -p contour.tanzu.vmware.com -n tanzu-packages --values contour.replicas=3"),
			Stdout: []string{"packageinstall.packaging.carvel.dev/contour2 created: contour.tanzu.vmware.com 1.26.1+vmware.1-tkg.1 in tanzu-packages\n"},
			Stderr: []string{"package install tanzu-packages/contour2 reconciled"},
			Check: clitest.All(
				clitest.Stored("packageinstalls", "tanzu-packages/contour2", "contour.tanzu.vmware.com", "spec", "packageRef", "refName"),
				clitest.Present("serviceaccounts", "tanzu-packages/contour2-tanzu-packages-sa"),
				clitest.Present("secrets", "tanzu-packages/contour2-tanzu-packages-values"),
			)},
		{Name: "dry run", Server: clitest.PackagesEstate, Args: clitest.Args("install contour2 -p contour.tanzu.vmware.com -n tanzu-packages --dry-run"),
			Stdout: []string{"contour2 created: contour.tanzu.vmware.com 1.26.1+vmware.1-tkg.1 in tanzu-packages (dry run)\n"}, NoChanges: true},
		{Name: "values off the schema", Server: clitest.PackagesEstate, Args: clitest.Args("install contour2 -p contour.tanzu.vmware.com -n tanzu-packages --values contour.replicas=zero"),
			Code: 2, Stderr: []string{"do not match the schema", "--values contour.replicas=zero: got string, want integer"}, NoChanges: true},
		{Name: "failed reconcile", Server: clitest.Estate, Setup: func(s *clitest.Server) {
			s.SeedPackages("tanzu-packages")
			s.KappController(func(*unstructured.Unstructured) string { return "kapp: Error: deploy failed" })
		}, Args: clitest.Args("install contour2 -p contour.tanzu.vmware.com -n tanzu-packages --wait"),
			Code: 1, Stderr: []string{"failed to reconcile", "kapp: Error: deploy failed"}},
		{Name: "missing namespace", Server: clitest.PackagesEstate, Args: clitest.Args("install contour2 -p contour.tanzu.vmware.com -n nope"),
			Code: 3, Stderr: []string{`namespace "nope" not found`, "--create-namespace"}, NoChanges: true},
		{Name: "unknown package", Args: clitest.Args("install x -p nope.tanzu.vmware.com -n tanzu-packages"), Code: 3, Stderr: []string{`package "nope.tanzu.vmware.com" not found`}},
		{Name: "no package", Args: clitest.Args("install contour2"), Code: 2, Stderr: []string{"--package (-p) is required"}, NoRequests: true},
		{Name: "exclusive versions", Args: clitest.Args("install c -p contour.tanzu.vmware.com --version 1 --version-constraint >=1"), Code: 2, NoRequests: true},
	})
}
