package scale_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestScaleTKC scales TanzuKubernetesClusters of both served versions, each
// written back in its own version.
func TestScaleTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		replicas := func(pool string, want int64) clitest.CheckFunc {
			return func(t *testing.T, s *clitest.Server, _ clitest.Result) {
				v := clustertest.TKCView(t, s, version, name)
				got := v.ControlPlane.ReplicaCount()
				if pool != "" {
					p, _ := v.Pool(pool)
					got = p.ReplicaCount()
				}
				if got != want {
					t.Errorf("%s %s replicas %d, want %d", name, pool, got, want)
				}
			}
		}
		return []clitest.Case{
			{Name: "control plane", Args: clitest.Args("scale " + name + " -n vsphere-ns-2 --controlplane 3"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " changed:\n", "  spec.topology.controlPlane.replicas: 1 → 3\n"},
				Check:  replicas("", 3)},
			{Name: "pool, waiting", Setup: func(s *clitest.Server) { clustertest.SeedTKCs(s); clustertest.Supervise(s) },
				Args:   clitest.Args("scale " + name + " -n vsphere-ns-2 --worker 0 --node-pool np-2 --wait"),
				Stdout: []string{"  spec.topology.nodePools[np-2].replicas: 1 → 0\n"}, Stderr: []string{"TanzuKubernetesCluster vsphere-ns-2/" + name + " is Ready\n"},
				Check: replicas("np-2", 0)},
			{Name: "dry run", Args: clitest.Args("scale " + name + " -n vsphere-ns-2 --worker 5 --node-pool np-1 --dry-run"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " would change (dry run)\n", "nodePools[np-1].replicas: 2 → 5"}, NoChanges: true},
			{Name: "seven control-plane machines", Args: clitest.Args("scale " + name + " -n vsphere-ns-2 --controlplane 7"),
				Code: 2, Stderr: []string{"1, 3 or 5 machines"}, NoChanges: true},
			{Name: "several pools", Args: clitest.Args("scale " + name + " -n vsphere-ns-2 --worker 3"),
				Code: 2, Stderr: []string{"np-1, np-2", "--node-pool"}, NoChanges: true},
			{Name: "unknown pool", Args: clitest.Args("scale " + name + " -n vsphere-ns-2 --worker 3 --node-pool np-9"),
				Code: 3, Stderr: []string{`node pool "np-9" not found`}, NoChanges: true},
		}
	})
}
