package status_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/policytest"
)

// TestPolicyStatus compares the recorded policies with the cluster: an
// object removed behind the policy's back is drift, exit 1.
func TestPolicyStatus(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "applied", Server: policytest.Applied, Args: clitest.Args("policy status"),
			Stdout: []string{"POLICY\tTYPE\tSTATE\tNAMESPACES\tDRIFT\tVIOLATIONS\n", "lockdown\tnetwork\tApplied\t1\t0\t0\n", "team-a\tnamespace-quota\tApplied\t1\t0\t0\n"}, NoChanges: true},
		{Name: "drifted", Server: policytest.Applied, Setup: func(s *clitest.Server) { s.Remove("networkpolicies", "team-a", "tko-lockdown") },
			Args: clitest.Args("policy diff lockdown"), Code: 1,
			Stdout: []string{"lockdown\tnetwork\tDrifted\t1\t1\t0\n", "lockdown: networkpolicy.networking.k8s.io/tko-lockdown -n team-a missing\n"}, Absent: []string{"namespace-quota"}},
		{Name: "not found", Server: policytest.Applied, Args: clitest.Args("policy status nope"), Code: 3},
		{Name: "none", Args: clitest.Args("policy status"), Stderr: []string{"No policies found."}},
	})
}
