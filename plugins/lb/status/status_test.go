package status_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestStatus shows, per seeded cluster, the ADC that selects it and how
// AKO runs there (read through its kubeconfig Secret).
func TestStatus(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "every cluster", Args: clitest.Args("status -A"),
			Stdout: []string{"NAMESPACE\tNAME\tADC\tAKO\tENDPOINT\n", "default\twc-prod-1\tinstall-ako-for-all\trunning 1/1\tNSX ALB\n", "default\twc-dev-1\t<none>\tnot provisioned\tkube-vip\n", "tkg-system\ttkg-mgmt\tinstall-ako-for-management-cluster\t"}, NoChanges: true},
		{Name: "one cluster as yaml", Args: clitest.Args("status wc-prod-1 -o yaml"), Stdout: []string{"install-ako-for-all"}},
		{Name: "not found", Args: clitest.Args("status wc-nope"), Code: 3, Stderr: []string{`cluster "wc-nope" not found`}},
		{Name: "bad output", Args: clitest.Args("status -o table"), Code: 2, NoRequests: true},
	})
}
