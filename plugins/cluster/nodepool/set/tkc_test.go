package set_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestNodePoolSetTKC adds and changes node pools of TanzuKubernetesClusters
// of both served versions.
func TestNodePoolSetTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "new pool", Setup: clustertest.SeedTKCs,
				Args:   clitest.Args("node-pool set " + name + " -n vsphere-ns-2 --name np-gpu --replicas 2 --vm-class guaranteed-large --label gpu=true"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " changed:\n", "spec.topology.nodePools[np-gpu]: (none) → "},
				Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					p, ok := clustertest.TKCView(t, s, version, name).Pool("np-gpu")
					if !ok || p.ReplicaCount() != 2 || p.VMClass != "guaranteed-large" || p.StorageClass != "vsan-default-storage-policy" || p.Labels["gpu"] != "true" {
						t.Errorf("np-gpu stored as %+v", p)
					}
				}},
			{Name: "change a pool", Setup: clustertest.SeedTKCs,
				Args:   clitest.Args("node-pool set " + name + " -n vsphere-ns-2 --name np-1 --vm-class best-effort-large --storage-class tanzu-gold"),
				Stdout: []string{"spec.topology.nodePools[np-1].storageClass: vsan-default-storage-policy → tanzu-gold\n", "spec.topology.nodePools[np-1].vmClass: best-effort-medium → best-effort-large\n"},
				Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					if p, _ := clustertest.TKCView(t, s, version, name).Pool("np-1"); p.ReplicaCount() != 2 || p.VMClass != "best-effort-large" {
						t.Errorf("np-1 stored as %+v", p)
					}
				}},
			{Name: "dry run", Args: clitest.Args("node-pool set " + name + " -n vsphere-ns-2 --name np-1 --replicas 4 --dry-run"),
				Stdout: []string{"would change (dry run)", "nodePools[np-1].replicas: 2 → 4"}, NoChanges: true},
			{Name: "not a DNS label", Args: clitest.Args("node-pool set " + name + " -n vsphere-ns-2 --name NP_1"),
				Code: 2, Stderr: []string{"is not a DNS label"}, NoChanges: true},
			{Name: "a ClusterClass worker class", Args: clitest.Args("node-pool set " + name + " -n vsphere-ns-2 --name np-1 --class tkg-worker"),
				Code: 2, Stderr: []string{"--vm-class"}, NoChanges: true},
		}
	})
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "both kinds of class", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --class tkg-worker --vm-class x"), Code: 2, NoRequests: true},
		{Name: "a VM class on a Cluster", Args: clitest.Args("node-pool set wc-prod-1 --name md-0 --vm-class x"), Code: 2, Stderr: []string{"pass --class"}, NoChanges: true},
	})
}
