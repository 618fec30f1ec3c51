package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestADCList lists the seeded AKODeploymentConfigs with the clusters
// they select.
func TestADCList(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "two", Args: clitest.Args("adc list"),
			Stdout: []string{"NAME\tCONTROLLER\tDATA NETWORK\tCIDR\tCLUSTERS\tAGE\n", "install-ako-for-all\tavi-ctrl.tko.example.com\ttkg-vip-pg\t10.20.8.0/24\t2\t", "install-ako-for-management-cluster\t"}, NoChanges: true},
		{Name: "names", Args: clitest.Args("adc list -o name"), Stdout: []string{"akodeploymentconfig.networking.tkg.tanzu.vmware.com/install-ako-for-all\n"}},
		{Name: "bad output", Args: clitest.Args("adc list -o table"), Code: 2, NoRequests: true},
	})
}
