package describe_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestDescribe prints the object tree of the seeded clusters, as data with
// -o, and refuses unknown clusters and flags.
func TestDescribe(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "tree", Args: clitest.Args("describe wc-team-a -n team-a"),
			Stdout:    []string{"Cluster/wc-team-a\tFalse\tWarning\tNotAvailable", "KubeadmControlPlane/wc-team-a-cp (3/3)\tTrue", "MachineDeployment/wc-team-a-md-0 (2/3)\tFalse", "Ready: waiting for the VM to be provisioned"},
			NoChanges: true},
		{Name: "failing conditions", Args: clitest.Args("describe wc-failed -n team-a --show-conditions failing"),
			Stdout: []string{"Cluster/wc-failed", "insufficient free space"}},
		{Name: "get alias as json", Args: clitest.Args("get wc-prod-1 -o json"),
			Stdout: []string{`"kind": "Cluster"`, `"name": "wc-prod-1"`}},
		{Name: "several", Args: clitest.Args("describe wc-prod-1 wc-dev-1"), Stdout: []string{"Cluster/wc-prod-1", "Cluster/wc-dev-1"}},
		{Name: "not found", Args: clitest.Args("describe wc-nope"), Code: 3, Stderr: []string{`cluster "wc-nope" not found in namespace "default"`}},
		{Name: "no name", Args: clitest.Args("describe"), Code: 2, NoRequests: true},
		{Name: "bad conditions", Args: clitest.Args("describe wc-prod-1 --show-conditions some"), Code: 2, Stderr: []string{"--show-conditions"}, NoRequests: true},
	})
}
