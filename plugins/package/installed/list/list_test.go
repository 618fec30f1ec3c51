package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledList lists the seeded installs with their state.
func TestInstalledList(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "all namespaces", Args: clitest.Args("installed list -A"),
			Stdout: []string{"NAMESPACE\tNAME\tPACKAGE\tVERSION\tSTATUS\tAGE\n", "tanzu-packages\tcontour\tcontour.tanzu.vmware.com\t1.26.1+vmware.1-tkg.1\tReconcileSucceeded\t", "tanzu-packages\tprometheus\tprometheus.tanzu.vmware.com\t2.45.0+vmware.1-tkg.1\tReconcileFailed\t"}, NoChanges: true},
		{Name: "one namespace", Args: clitest.Args("installed list -n tanzu-packages -o name"), Stdout: []string{"packageinstall.packaging.carvel.dev/cert-manager\n"}},
		{Name: "none", Args: clitest.Args("installed list"), Stderr: []string{"No"}},
		{Name: "no kapp-controller", Setup: func(s *clitest.Server) { s.Unserve(carvel.PackagingGroup) }, Args: clitest.Args("installed list -A"),
			Code: 3, Stderr: []string{"packaging.carvel.dev", "kapp-controller"}},
		{Name: "bad output", Args: clitest.Args("installed list -o table"), Code: 2, NoRequests: true},
	})
}
