package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestMHCGet lists the MachineHealthChecks of a seeded cluster.
func TestMHCGet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "two checks", Args: clitest.Args("mhc get wc-prod-1"),
			Stdout: []string{"NAME\tHEALTHY\tREMEDIATION\tTARGET", "wc-prod-1-cp-mhc\t1/1\tAllowed\tcontrol-plane", "wc-prod-1-md-mhc\t1/1\tAllowed\tworkers"}, NoChanges: true},
		{Name: "none", Args: clitest.Args("mhc get wc-team-a -n team-a"), Stderr: []string{"No"}, Absent: []string{"mhc\t"}},
		{Name: "as yaml", Args: clitest.Args("mhc get wc-prod-1 -o yaml"), Stdout: []string{"kind: MachineHealthCheck", "name: wc-prod-1-cp-mhc"}},
		{Name: "not found", Args: clitest.Args("mhc get wc-nope"), Code: 3},
		{Name: "bad output", Args: clitest.Args("mhc get wc-prod-1 -o table"), Code: 2, NoRequests: true},
	})
}
