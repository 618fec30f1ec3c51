package apply_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/policytest"
)

// TestPolicyApply turns a recipe into objects on the namespaces it
// selects, records the policy, and converges on a rerun.
func TestPolicyApply(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "quota", Args: clitest.Args("policy apply quota team-a --size medium --namespaces team-a"),
			Stdout: []string{"limitrange/tko-team-a created\n", "resourcequota/tko-team-a created\n"},
			Check: clitest.All(clitest.Stored("resourcequotas", "team-a/tko-team-a", "1Gi", "spec", "hard", "requests.memory"),
				clitest.Present("configmaps", "tko-policies/team-a"))},
		{Name: "rerun", Server: policytest.Applied, Args: clitest.Args("policy apply quota team-a --size medium --namespaces team-a"),
			Stdout: []string{"limitrange/tko-team-a unchanged\n", "resourcequota/tko-team-a unchanged\n"}},
		{Name: "server dry run", Args: clitest.Args("policy apply network lockdown --recipe deny-all --namespaces team-a --dry-run=server"),
			Stdout: []string{"networkpolicy.networking.k8s.io/tko-lockdown created (dry run)\n"}, NoChanges: true},
		{Name: "client dry run as yaml", Args: clitest.Args("policy apply network lockdown --recipe deny-all --namespaces team-a --dry-run -o yaml"),
			Stdout: []string{"kind: NetworkPolicy\n", "name: tko-lockdown\n"}, NoChanges: true},
		{Name: "client dry run of a new policy", Args: clitest.Args("policy apply network lockdown --recipe deny-all --namespaces team-a --dry-run"),
			Stdout: []string{"networkpolicy.networking.k8s.io/tko-lockdown created (dry run)\n"}, Absent: []string{"configured"}, NoChanges: true},
		{Name: "client dry run of a changed policy", Server: policytest.Applied, Args: clitest.Args("policy apply quota team-a --size large --namespaces team-a --dry-run=client"),
			// The container defaults of the LimitRange are the same in both sizes.
			Stdout: []string{"resourcequota/tko-team-a configured (dry run)\n", "limitrange/tko-team-a unchanged (dry run)\n"}, NoChanges: true},
		{Name: "client dry run of an applied policy", Server: policytest.Applied, Args: clitest.Args("policy apply quota team-a --size medium --namespaces team-a --dry-run"),
			Stdout: []string{"limitrange/tko-team-a unchanged (dry run)\n", "resourcequota/tko-team-a unchanged (dry run)\n"}, Absent: []string{"configured", "created"}, NoChanges: true},
		{Name: "selects nothing", Args: clitest.Args("policy apply security prod --level baseline --namespace-selector env=prod"),
			Code: 2, Stderr: []string{"selects no namespace on this cluster"}, NoChanges: true},
		{Name: "bad recipe", Args: clitest.Args("policy apply quota team-a --size huge"), Code: 2, Stderr: []string{`"huge" is not a recipe`}, NoRequests: true},
	})
}
