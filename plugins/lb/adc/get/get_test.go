package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	lbplugin "github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestADCGet describes a seeded AKODeploymentConfig.
func TestADCGet(t *testing.T) {
	clitest.RunCases(t, lbplugin.Plugin(), []clitest.Case{
		{Name: "describe", Args: clitest.Args("adc get install-ako-for-all"),
			Stdout: []string{"Name:                 install-ako-for-all\n", "Controller:           avi-ctrl.tko.example.com\n", "Data network:         tkg-vip-pg 10.20.8.0/24", "Admin credentials:    Secret tkg-system-networking/avi-controller-credentials\n"}, NoChanges: true},
		{Name: "as yaml", Args: clitest.Args("adc get install-ako-for-all -o yaml"), Stdout: []string{"kind: AKODeploymentConfig\n"}},
		{Name: "not found", Args: clitest.Args("adc get nope"), Code: 3, Stderr: []string{`AKODeploymentConfig "nope" not found`}},
		{Name: "no AKO operator", Setup: func(s *clitest.Server) { s.Unserve(lb.OperatorGroup) }, Args: clitest.Args("adc get install-ako-for-all"),
			Code: 3, Stderr: []string{"networking.tkg.tanzu.vmware.com"}},
		{Name: "no name", Args: clitest.Args("adc get"), Code: 2, NoRequests: true},
	})
}
