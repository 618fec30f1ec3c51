package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/policytest"
)

// TestPolicyDelete removes a policy's objects and its record, and leaves
// the other policy alone.
func TestPolicyDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "lockdown", Server: policytest.Applied, Args: clitest.Args("policy delete lockdown"),
			Stdout: []string{"networkpolicy.networking.k8s.io/tko-lockdown deleted\n"},
			Check: clitest.All(clitest.Gone("networkpolicies", "team-a/tko-lockdown"), clitest.Gone("configmaps", "tko-policies/lockdown"),
				clitest.Present("resourcequotas", "team-a/tko-team-a"), clitest.Present("configmaps", "tko-policies/team-a"))},
		{Name: "dry run", Server: policytest.Applied, Args: clitest.Args("policy delete lockdown --dry-run"), Stdout: []string{"tko-lockdown deleted (dry run)"}, NoChanges: true},
		{Name: "not found", Server: policytest.Applied, Args: clitest.Args("policy delete nope"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("policy delete"), Code: 2, NoRequests: true},
	})
}
