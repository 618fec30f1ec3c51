package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestNodePoolList lists the pools of a seeded cluster with their machines.
func TestNodePoolList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "three pools", Args: clitest.Args("node-pool list wc-prod-1"),
			Stdout: []string{"NAME\tCLASS\tREADY\tSTATUS\n", "md-0\ttkg-worker\t1/1\tReady\n", "md-2\ttkg-worker\t1/1\tReady\n"}, NoChanges: true},
		{Name: "short of a machine", Args: clitest.Args("np list wc-team-a -n team-a"), Stdout: []string{"md-0\ttkg-worker\t2/3\t"}},
		{Name: "not found", Args: clitest.Args("node-pool list wc-nope"), Code: 3},
		{Name: "no cluster", Args: clitest.Args("node-pool list"), Code: 2, NoRequests: true},
	})
}
