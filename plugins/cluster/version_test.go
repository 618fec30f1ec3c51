package cluster_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestVersion prints the plugin's build stamp without a cluster.
func TestVersion(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "text", Args: clitest.Args("version"), Stdout: []string{"kubectl-tko-cluster v"}, NoRequests: true},
		{Name: "json", Args: clitest.Args("version -o json"), Stdout: []string{"\"plugin\": \"kubectl-tko-cluster\""}, NoRequests: true},
		{Name: "bad output", Args: clitest.Args("version -o table"), Code: 2, NoRequests: true},
	})
}
