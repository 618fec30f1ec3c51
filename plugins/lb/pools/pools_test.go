package pools_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestPools counts the addresses of the seeded kube-vip and NSX ALB pools.
func TestPools(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "pools", Args: clitest.Args("pools"),
			Stdout: []string{"POOL\tSCOPE\tRANGES\tSIZE\tUSED\tFREE\tUSE%\n", "kubevip cidr-global\t*\t10.20.30.0/30\t4\t1\t3\t25%\n", "adc/install-ako-for-management-cluster dataNetwork tkg-mgmt-vip-pg\t*\t10.20.7.100-10.20.7.119\t20\t0\t20\t0%\n"},
			Stderr: []string{"warning: kubevip cidr-global shadows range-team-a"}, NoChanges: true},
		{Name: "wide", Args: clitest.Args("pools -o wide"), Stdout: []string{"\tSERVICES\n", "\tteam-a/grafana\n", "\ttanzu-system-ingress/envoy\n"}},
		{Name: "arguments", Args: clitest.Args("pools x"), Code: 2, NoRequests: true},
	})
}
