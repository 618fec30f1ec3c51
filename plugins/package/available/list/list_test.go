package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestAvailableList lists the packages of the seeded repository and the
// versions of one.
func TestAvailableList(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "packages", Server: clitest.PackagesEstate, Args: clitest.Args("available list -n tanzu-packages"),
			Stdout: []string{"NAME\tDISPLAY-NAME\tSHORT-DESCRIPTION\tLATEST-VERSION\n", "contour.tanzu.vmware.com\tcontour\tAn ingress controller\t1.26.1+vmware.1-tkg.1\n"}, NoChanges: true},
		{Name: "versions", Server: clitest.PackagesEstate, Args: clitest.Args("available list -p contour.tanzu.vmware.com -n tanzu-packages"),
			Stdout: []string{"contour.tanzu.vmware.com\t1.26.1+vmware.1-tkg.1\t2024-03-05T00:00:00Z\n", "contour.tanzu.vmware.com\t1.25.2+vmware.1-tkg.1\t"}},
		{Name: "none", Args: clitest.Args("available list -n tanzu-packages"), Stderr: []string{"No"}},
		{Name: "no Package API", Setup: func(s *clitest.Server) { s.Unserve(carvel.DataGroup) }, Args: clitest.Args("available list"),
			Code: 3, Stderr: []string{"data.packaging.carvel.dev"}},
		{Name: "bad flag", Args: clitest.Args("available list -A"), Code: 2, NoRequests: true},
	})
}
