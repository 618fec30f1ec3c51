package upgrade_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestUpgrade moves a seeded cluster to a newer TKR: a dry run shows the
// change and stores nothing, the upgrade stores version and TKR labels.
func TestUpgrade(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "dry run", Args: clitest.Args("upgrade wc-team-a -n team-a --tkr v1.30.2---vmware.1-tkg.1 --dry-run"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-team-a would change (dry run)\n", "spec.topology.version: v1.29.9+vmware.1 → v1.30.2+vmware.1\n"}, NoChanges: true},
		{Name: "upgrade", Args: clitest.Args("upgrade wc-team-a -n team-a --version v1.30.2+vmware.1"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-team-a changed:\n"},
			Check: clitest.All(
				clitest.Stored("clusters", "team-a/wc-team-a", "v1.30.2+vmware.1", "spec", "topology", "version"),
				clitest.Stored("clusters", "team-a/wc-team-a", "v1.30.2---vmware.1-tkg.1", "metadata", "labels", "run.tanzu.vmware.com/tkr"),
			)},
		{Name: "no target", Args: clitest.Args("upgrade wc-team-a -n team-a"), Code: 2, Stderr: []string{"missing the target"}, NoRequests: true},
		{Name: "both targets", Args: clitest.Args("upgrade wc-team-a --version v1.30.2+vmware.1 --tkr v1.30.2---vmware.1-tkg.1"), Code: 2, Stderr: []string{"not both"}, NoRequests: true},
		{Name: "wait on a dry run", Args: clitest.Args("upgrade wc-team-a --tkr v1.30.2---vmware.1-tkg.1 --dry-run --wait"), Code: 2, NoRequests: true},
		{Name: "unknown tkr", Args: clitest.Args("upgrade wc-team-a -n team-a --tkr v9.9.9---vmware.1-tkg.1"), Code: 3, NoChanges: true},
		{Name: "not found", Args: clitest.Args("upgrade wc-nope --version v1.30.2+vmware.1"), Code: 3, NoChanges: true},
	})
}
