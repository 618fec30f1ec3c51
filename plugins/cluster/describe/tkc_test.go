package describe_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestDescribeTKC shows a TanzuKubernetesCluster of either version with its
// vSphere namespace, TKR and VM classes, as lines and as data.
func TestDescribeTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "basic", Args: clitest.Args("describe " + name + " -n vsphere-ns-2"),
				Stdout: []string{"vSphere namespace: vsphere-ns-2\n", "TKR:               " + clustertest.TKRCurrent + "\n",
					"VM classes:        best-effort-small, best-effort-medium\n", "TanzuKubernetesCluster/" + name, "NodePool/np-2 (1)"}, NoChanges: true},
			{Name: "json", Args: clitest.Args("get " + name + " -n vsphere-ns-2 -o json"),
				Stdout: []string{`"vmClasses": [`, `"tkr": "` + clustertest.TKRCurrent + `"`}},
		}
	})
}
