package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/policytest"
)

// TestPolicyGet prints a recorded policy as the file that would apply it.
func TestPolicyGet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "quota", Server: policytest.Applied, Args: clitest.Args("policy get team-a"),
			Stdout: []string{"kind: ClusterPolicy\n", "  name: team-a\n", "  recipe: medium\n", "  type: namespace-quota\n"}, NoChanges: true},
		{Name: "not found", Server: policytest.Applied, Args: clitest.Args("policy get nope"), Code: 3, Stderr: []string{`policy "nope" not found`}},
		{Name: "no name", Args: clitest.Args("policy get"), Code: 2, NoRequests: true},
	})
}
