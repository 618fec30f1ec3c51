package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestDeleteTKC deletes TanzuKubernetesClusters of both served versions as
// Clusters are deleted: asked first, --dry-run storing nothing, --wait
// until the Supervisor has removed them.
func TestDeleteTKC(t *testing.T) {
	seed := func(s *clitest.Server) { clustertest.SeedTKCs(s); clustertest.Finalize(s) }
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "waiting", Setup: seed, Args: clitest.Args("delete " + name + " -n vsphere-ns-2 --yes --wait --timeout 20s"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " deleted\n"}, Stderr: []string{"cluster vsphere-ns-2/" + name + " is gone\n"},
				Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					if n := len(s.Changes()); n != 2 {
						t.Errorf("%d writes: want the delete and the Supervisor's update", n)
					}
				}},
			{Name: "dry run", Setup: seed, Args: clitest.Args("delete " + name + " -n vsphere-ns-2 --yes --dry-run"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " deleted (dry run)\n"}, NoChanges: true},
			{Name: "no terminal, no --yes", Setup: seed, Args: clitest.Args("delete " + name + " -n vsphere-ns-2"),
				Code: 2, Stderr: []string{"without --yes"}, NoChanges: true},
		}
	})
}
