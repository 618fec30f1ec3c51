package set_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestNodePoolSet resizes a seeded pool and adds one, and refuses flags it
// cannot take before any request.
func TestNodePoolSet(t *testing.T) {
	pool := func(name string, want any, field string) clitest.CheckFunc {
		return clitest.Stored("clusters", "default/wc-prod-1", want, "spec", "topology", "workers", "machineDeployments", "name="+name, field)
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "resize", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --replicas 4"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-prod-1 changed:\n", "spec.topology.workers.machineDeployments[md-0].replicas: 1 → 4\n"},
			Check:  pool("md-0", int64(4), "replicas")},
		{Name: "new pool", Args: clitest.Args("node-pool set wc-prod-1 --name md-gpu --replicas 2 --class tkg-worker --failure-domain az-2 --label gpu=true"),
			Stdout: []string{"machineDeployments[md-gpu]"},
			Check:  clitest.All(pool("md-gpu", "az-2", "failureDomain"), pool("md-gpu", "tkg-worker", "class"), pool("md-gpu", int64(2), "replicas"))},
		{Name: "new pool takes the first pool's class", Args: clitest.Args("node-pool set wc-prod-1 --name md-gpu --replicas 1"),
			Stdout: []string{`machineDeployments[md-gpu]: (none) → {"class":"tkg-worker","name":"md-gpu","replicas":1}`}, Check: pool("md-gpu", "tkg-worker", "class")},
		{Name: "dry run", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --replicas 2 --dry-run"), Stdout: []string{"would change (dry run)"}, NoChanges: true},
		{Name: "no name", Args: clitest.Args("node-pool set wc-prod-1 --replicas 2"), Code: 2, Stderr: []string{"missing --name POOL"}, NoRequests: true},
		{Name: "bad label", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --label gpu"), Code: 2, Stderr: []string{"expected key=value"}, NoRequests: true},
		{Name: "negative", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --replicas -1"), Code: 2, NoRequests: true},
		{Name: "two arguments", Args: clitest.Args("node-pool set wc-prod-1 md-0"), Code: 2, Stderr: []string{"set takes CLUSTER"}, NoRequests: true},
	})
}
