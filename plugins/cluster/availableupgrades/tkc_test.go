package availableupgrades_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestAvailableUpgradesTKC lists what the UpdatesAvailable condition of a
// TanzuKubernetesCluster's release offers, marked Compatible or not.
func TestAvailableUpgradesTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "basic", Args: clitest.Args("available-upgrades " + name + " -n vsphere-ns-2"),
				Stdout: []string{"TKR\tKUBERNETES\tCOMPATIBLE\tFROM\n",
					clustertest.TKRNext + "\tv1.26.10+vmware.1-fips.1\tTrue\t" + clustertest.TKRCurrent + "\n",
					clustertest.TKRIncompatible + "\tv1.26.11+vmware.1-fips.1\tFalse\t",
					clustertest.TKRSkip + "\tv1.27.6+vmware.1-fips.1\tTrue\t"}, NoChanges: true},
			{Name: "json", Args: clitest.Args("available-upgrades " + name + " -n vsphere-ns-2 -o json"),
				Stdout: []string{`"currentTKR": "` + clustertest.TKRCurrent + `"`, `"compatible": false`}},
		}
	})
}
