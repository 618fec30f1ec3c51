package status_test

import (
	"strings"
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

// TestPolicyStatusStreams: on a terminal the rows of a context that
// answered are written while a slow one is pending, in columns fixed from
// the start; the slow one's row comes when its time is up, though its name
// sorts first, and fails the check.
func TestPolicyStatusStreams(t *testing.T) {
	slow, fast := policytest.Applied(t), policytest.Applied(t)
	clitest.SlowAndFast(t, slow, fast, "configmaps")
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "policy", "status", "--all-contexts", "--target-timeout", "500ms")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if r.Code != 1 || len(lines) != 4 {
		t.Fatalf("%s", r)
	}
	if !strings.HasPrefix(lines[1], "zzz-fast ") || !strings.HasPrefix(lines[2], "zzz-fast ") || !strings.HasPrefix(lines[3], "aaa-slow ") || !strings.Contains(lines[3], "Error: ") {
		t.Errorf("the answering context's rows are not first:\n%s", r.Stdout)
	}
	clitest.ColumnsLineUp(t, r.Stdout, lines[0], lines[1:3], "POLICY", "TYPE", "STATE", "NAMESPACES")
}

// TestPolicyStatusAsksNoDiscovery: status only reads, so a cluster costs
// its reads and no discovery round trip; a cluster without admission
// policies is still worded as every policy verb words it (exit 3), with
// policies recorded or not.
func TestPolicyStatusAsksNoDiscovery(t *testing.T) {
	unserve := func(s *clitest.Server) { s.Unserve("admissionregistration.k8s.io") }
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "known resources", Server: policytest.Applied, Args: clitest.Args("policy status"), Stdout: []string{"lockdown\tnetwork\tApplied\t1\t0\t0\n"},
			Check: clitest.NoDiscovery},
		{Name: "not served", Server: policytest.Applied, Setup: unserve, Args: clitest.Args("policy status"),
			Code: 3, Stderr: []string{"admissionregistration.k8s.io (ValidatingAdmissionPolicy)", "Kubernetes 1.30"}},
		{Name: "not served, none recorded", Setup: unserve, Args: clitest.Args("policy status"),
			Code: 3, Stderr: []string{"admissionregistration.k8s.io (ValidatingAdmissionPolicy)"}},
	})
}
