package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/policytest"
)

// TestPolicyList lists the policies recorded on the cluster.
func TestPolicyList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "two", Server: policytest.Applied, Args: clitest.Args("policy list"),
			Stdout: []string{"NAME\tTYPE\tRECIPE\tNAMESPACES\tAGE\n", "lockdown\tnetwork\tdeny-all\t1\t", "team-a\tnamespace-quota\tmedium\t1\t"}, NoChanges: true},
		{Name: "as json", Server: policytest.Applied, Args: clitest.Args("policy list -o json"), Stdout: []string{`"rules": "medium: cpu 1/2, memory 1Gi/4Gi"`}},
		{Name: "none", Args: clitest.Args("policy list"), Stderr: []string{"No policies found."}},
		{Name: "bad output", Args: clitest.Args("policy list -o table"), Code: 2, NoRequests: true},
	})
}
