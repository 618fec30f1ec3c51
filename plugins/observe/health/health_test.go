package health_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
)

// TestHealth says what is wrong in the seeded estate: clusters, packages,
// pods, events and the API server's checks; exit 1 on an error.
func TestHealth(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "estate", Args: clitest.Args("health -A"), Code: 1,
			Stdout: []string{"unhealthy: nodes 2/2 ready, pods 1/2 running, readyz 5 checks, ",
				"error\tcluster\tteam-a\twc-failed\tAvailable=False NotAvailable\t", "error\tpackage\ttanzu-packages\tprometheus\tReconcileFailed\t",
				"error\tpod\ttanzu-system-logging\tfluent-bit-x7k2q\tCrashLoopBackOff\t"}, NoChanges: true},
		{Name: "failed readyz check", Setup: func(s *clitest.Server) { s.FailCheck("etcd") }, Args: clitest.Args("health -A"), Code: 1,
			Stdout: []string{"error\tapiserver\t-\treadyz/etcd\tCheckFailed\t"}},
		{Name: "every workload cluster", Args: clitest.Args("health -A --all-workload-clusters"), Code: 1,
			Stdout: []string{"== default/wc-prod-1\n", "== team-a/wc-team-a\n"}},
		{Name: "as json", Args: clitest.Args("health -A -o json"), Code: 1, Stdout: []string{`"readyzChecks": 5`}},
		{Name: "bad output", Args: clitest.Args("health -o table"), Code: 2, NoRequests: true},
	})
}

// TestHealthAllContextsStreams: on a terminal the section of a context
// that answered is written while a slow one is pending; the slow one's
// comes when its time is up, though its name sorts first.
func TestHealthAllContextsStreams(t *testing.T) {
	slow, fast := clitest.NewServer(t), clitest.NewServer(t)
	clitest.SlowAndFast(t, slow, fast, "nodes")
	r := clitest.Cmd{Plugin: observe.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "health", "-A", "--all-contexts", "--target-timeout", "500ms")
	fastAt, slowAt := strings.Index(r.Stdout, "== zzz-fast\n"), strings.Index(r.Stdout, "== aaa-slow\nunreachable: ")
	if r.Code != 0 || fastAt < 0 || slowAt < fastAt {
		t.Errorf("the answering context's section is not first:\n%s", r)
	}
	// Piped, sections keep the contexts' order.
	r = clitest.Cmd{Plugin: observe.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast)}.
		Run(t, "health", "-A", "--all-contexts", "--target-timeout", "500ms")
	if fastAt, slowAt = strings.Index(r.Stdout, "== zzz-fast\n"), strings.Index(r.Stdout, "== aaa-slow\n"); slowAt < 0 || fastAt < slowAt {
		t.Errorf("piped sections are not in the contexts' order:\n%s", r)
	}
}
