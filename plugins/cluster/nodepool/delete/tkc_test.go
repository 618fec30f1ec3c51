package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestNodePoolDeleteTKC removes node pools of TanzuKubernetesClusters of
// both served versions, and keeps the last one, as for Clusters.
func TestNodePoolDeleteTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "remove np-2", Args: clitest.Args("node-pool delete " + name + " -n vsphere-ns-2 --name np-2"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " changed:\n", "spec.topology.nodePools[np-2]: "},
				Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					if got := clustertest.TKCView(t, s, version, name).PoolNames(); len(got) != 1 || got[0] != "np-1" {
						t.Errorf("pools left: %v", got)
					}
				}},
			{Name: "dry run", Args: clitest.Args("node-pool delete " + name + " -n vsphere-ns-2 --name np-2 --dry-run"),
				Stdout: []string{"would change (dry run)"}, NoChanges: true},
			{Name: "the last pool", Setup: func(s *clitest.Server) {
				clustertest.SeedTKCs(s)
				s.Run(cluster.Plugin(), "node-pool", "delete", name, "-n", "vsphere-ns-2", "--name", "np-2")
			}, Args: clitest.Args("node-pool delete " + name + " -n vsphere-ns-2 --name np-1"), Code: 2, Stderr: []string{"is the last one", "scale it to 0 instead"}},
			{Name: "unknown pool", Args: clitest.Args("node-pool delete " + name + " -n vsphere-ns-2 --name np-9"),
				Code: 3, Stderr: []string{"has np-1, np-2"}, NoChanges: true},
		}
	})
}
