package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestMHCDelete turns a health check off in the topology.
func TestMHCDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "control plane", Args: clitest.Args("mhc delete wc-prod-1"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-prod-1 changed:\n", `spec.topology.controlPlane.healthCheck: (none) → {"enabled":false}`}},
		{Name: "pool dry run", Args: clitest.Args("mhc delete wc-prod-1 --node-pool md-1 --dry-run"),
			Stdout: []string{"would change (dry run)", "machineDeployments[md-1].healthCheck"}, NoChanges: true},
		{Name: "not found", Args: clitest.Args("mhc delete wc-nope"), Code: 3, NoChanges: true},
		{Name: "no cluster", Args: clitest.Args("mhc delete"), Code: 2, NoRequests: true},
	})
}
