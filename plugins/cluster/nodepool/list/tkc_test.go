package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestNodePoolListTKC lists a TanzuKubernetesCluster's pools with their VM
// class and TKR (a pool without one runs the control plane's).
func TestNodePoolListTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "basic", Args: clitest.Args("node-pool list " + name + " -n vsphere-ns-2 -o wide"),
				Stdout: []string{"NAME\tVM-CLASS\tREPLICAS\tTKR\tSTATUS\tSTORAGE-CLASS\tFAILUREDOMAIN\n",
					"np-1\tbest-effort-medium\t2\t" + clustertest.TKRCurrent + "\tReady\tvsan-default-storage-policy\t\n",
					"np-2\tbest-effort-small\t1\t" + clustertest.TKRCurrent + "\tReady\t"}, NoChanges: true},
			{Name: "json", Args: clitest.Args("np list " + name + " -n vsphere-ns-2 -o json"),
				Stdout: []string{`"vmClass": "best-effort-medium"`, `"tkr": "` + clustertest.TKRCurrent + `"`}},
		}
	})
}
