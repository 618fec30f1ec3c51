package scale_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestScaleOnTheAPIServer scales a seeded cluster through the whole
// command and waits while Cluster API adds the machines.
func TestScaleOnTheAPIServer(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "workers, waiting", Setup: clustertest.Provision, Args: clitest.Args("scale wc-prod-1 --worker 3 --node-pool md-1 --wait"),
			Stdout: []string{"spec.topology.workers.machineDeployments[md-1].replicas: 1 → 3\n"}, Stderr: []string{"cluster default/wc-prod-1 is Available\n"},
			Check: clitest.Stored("clusters", "default/wc-prod-1", int64(3), "spec", "topology", "workers", "machineDeployments", "name=md-1", "replicas")},
		{Name: "several pools", Args: clitest.Args("scale wc-prod-1 --worker 3"), Code: 2, Stderr: []string{"--node-pool"}, NoChanges: true},
		{Name: "even control plane", Args: clitest.Args("scale wc-prod-1 --controlplane 2"), Code: 2, Stderr: []string{"use an odd number"}, NoRequests: true},
		{Name: "not found", Args: clitest.Args("scale wc-nope --worker 1"), Code: 3, NoChanges: true},
	})
}
