package availableupgrades_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestAvailableUpgrades lists the TKRs a seeded cluster can move to.
func TestAvailableUpgrades(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "one minor up", Args: clitest.Args("available-upgrades wc-team-a -n team-a"),
			Stdout: []string{"TKR\tKUBERNETES\tFROM\n", "v1.30.2---vmware.1-tkg.1\tv1.30.2+vmware.1\tv1.29.9+vmware.1\n"}, Absent: []string{"v1.31.1"}, NoChanges: true},
		{Name: "as json", Args: clitest.Args("available-upgrades wc-team-a -n team-a -o json"), Stdout: []string{"v1.30.2---vmware.1-tkg.1"}},
		{Name: "not found", Args: clitest.Args("available-upgrades wc-nope"), Code: 3, Stderr: []string{`"wc-nope" not found`}},
		{Name: "two names", Args: clitest.Args("available-upgrades a b"), Code: 2, NoRequests: true},
	})
}
