package audit_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestAudit checks the seeded clusters against the reference design,
// reading identity and packages from each workload cluster through its
// kubeconfig Secret: a FAIL exits 1.
func TestAudit(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "every namespace", Args: clitest.Args("audit -A"), Code: 1,
			Stdout: []string{
				"default\twc-prod-1\tTKO-CP-001\thigh\tPASS\t3 control-plane nodes\n",
				"default\twc-prod-1\tTKO-IDM-001\thigh\tPASS\tJWTAuthenticator tkg-jwt-authenticator is Ready\n",
				"default\twc-prod-1\tTKO-PKG-001\tmedium\tFAIL\tmissing: grafana; not reconciled: tanzu-packages/prometheus\n",
				"team-a\twc-team-a\tTKO-MHC-001\tmedium\tFAIL\t",
				"default\twc-dev-1\tTKO-IDM-001\thigh\tSKIP\tno admin kubeconfig Secret yet",
			},
			Stderr: []string{"audit: ", " FAIL, ", " across 5 cluster(s)\n"}, Absent: []string{"tkg-mgmt"}, NoChanges: true},
		{Name: "junit", Args: clitest.Args("audit wc-prod-1 -o junit"), Code: 1, Stdout: []string{"<testsuite", `name="TKO-PKG-001`, "<failure"}},
		{Name: "found in another namespace", Args: clitest.Args("audit wc-team-a"), Code: 1, Stdout: []string{"team-a\twc-team-a\tTKO-CP-001"}},
		{Name: "not found", Args: clitest.Args("audit wc-nope"), Code: 3, Stderr: []string{"wc-nope"}},
		{Name: "bad output", Args: clitest.Args("audit -o table"), Code: 2, NoRequests: true},
	})
}

// TestAuditAllContextsStreams: on a terminal the checks of a context that
// answered are written while a slow one is pending, in columns fixed from
// the start; the slow one's row comes when its time is up, though its
// name sorts first.
func TestAuditAllContextsStreams(t *testing.T) {
	slow, fast := clitest.Estate(t), clitest.Estate(t)
	clitest.SlowAndFast(t, slow, fast, "clusters")
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "audit", "-A", "--all-contexts", "--target-timeout", "200ms")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if r.Code != 1 || len(lines) < 3 {
		t.Fatalf("%s", r)
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(lines[1], "zzz-fast ") || !strings.HasPrefix(last, "aaa-slow ") || !strings.Contains(last, " ERROR ") {
		t.Errorf("the answering context's checks are not first:\n%s", r.Stdout)
	}
	clitest.ColumnsLineUp(t, r.Stdout, lines[0], lines[1:len(lines)-1], "NAMESPACE", "CLUSTER", "CHECK", "SEVERITY", "STATUS")
	if !strings.Contains(r.Stderr, "1 could not be audited") {
		t.Errorf("summary: %s", r.Stderr)
	}
}

// TestAuditReadsPoolsOnce: every cluster's node pools and health checks
// come from one list each for the namespace, and no machines are read (no
// rule looks at them: they are the longest lists of a management cluster).
func TestAuditReadsPoolsOnce(t *testing.T) {
	s := clitest.Estate(t)
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, s)}.Run(t, "audit", "-A")
	if r.Code != 1 || !strings.Contains(r.Stdout, "wc-prod-1\tTKO-MHC-001\tmedium\tPASS") {
		t.Fatalf("%s", r)
	}
	lists := map[string]int{}
	for _, req := range s.Requests() {
		if req.Verb == "list" || req.Verb == "get" {
			lists[req.Verb+" "+req.Resource.Resource]++
		}
	}
	if lists["list machinedeployments"] != 1 || lists["list machinehealthchecks"] != 1 || lists["list machines"]+lists["get machines"] != 0 {
		t.Errorf("reads: %v", lists)
	}
}
