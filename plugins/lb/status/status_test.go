package status_test

import (
	"encoding/json"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	lbpkg "github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestStatus shows, per seeded cluster, the ADC that selects it and how
// AKO runs there (read through its kubeconfig Secret).
func TestStatus(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "every cluster", Args: clitest.Args("status -A"),
			Stdout: []string{"NAMESPACE\tNAME\tADC\tAKO\tENDPOINT\n", "default\twc-prod-1\tinstall-ako-for-all\trunning 1/1\tNSX ALB\n", "default\twc-dev-1\t<none>\tnot provisioned\tkube-vip\n", "tkg-system\ttkg-mgmt\tinstall-ako-for-management-cluster\t"},
			Absent: []string{"CONTEXT"}, NoChanges: true},
		{Name: "one cluster as yaml", Args: clitest.Args("status wc-prod-1 -o yaml"), Stdout: []string{"install-ako-for-all"}, Absent: []string{"context:"}},
		{Name: "not found", Args: clitest.Args("status wc-nope"), Code: 3, Stderr: []string{`cluster "wc-nope" not found`}},
		{Name: "bad output", Args: clitest.Args("status -o table"), Code: 2, NoRequests: true},
		{Name: "bad parallel", Args: clitest.Args("status --all-contexts --parallel 0"), Code: 2, NoRequests: true},
		{Name: "contexts exclusive", Args: clitest.Args("status --all-contexts --context a,b"), Code: 2, NoRequests: true},
	})
}

var errServer = apierrors.NewServiceUnavailable("the management cluster is down")

// TestStatusAllContexts reads every management cluster of the kubeconfig,
// each row under its context; a context that cannot answer is a row of
// its own, exit 1 only with --strict.
func TestStatusAllContexts(t *testing.T) {
	a, b, down := clitest.Estate(t), clitest.Estate(t), clitest.NewServer(t)
	b.Context, down.Context = "tko-mgmt-2", "tko-mgmt-down"
	down.React("list", "clusters", func(clitest.Request) (bool, any, error) {
		return true, nil, errServer
	})
	kc := clitest.Kubeconfig(t, a, b, down)
	r := clitest.Cmd{Plugin: lb.Plugin(), Kubeconfig: kc}.Run(t, "status", "-A", "--all-contexts")
	r.Check(t, 0, "CONTEXT\tNAMESPACE\tNAME\tADC\tAKO\tENDPOINT\n", "tko-mgmt\tdefault\twc-prod-1\tinstall-ako-for-all\trunning 1/1\t",
		"tko-mgmt-2\tdefault\twc-prod-1\tinstall-ako-for-all\trunning 1/1\t", "tko-mgmt-down\t-\t-\t-\tError: ")
	r = clitest.Cmd{Plugin: lb.Plugin(), Kubeconfig: kc}.Run(t, "status", "-A", "--context", "tko-mgmt,tko-mgmt-down", "--strict")
	if r.Code != 1 || !strings.Contains(r.Stdout, "tko-mgmt\tdefault\twc-prod-1\t") {
		t.Errorf("--strict with a failed context: %s", r)
	}
	r = clitest.Cmd{Plugin: lb.Plugin(), Kubeconfig: kc}.Run(t, "status", "wc-prod-1", "--context", "tko-mgmt,tko-mgmt-2", "-o", "json")
	var rows []struct{ Context, Name string }
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil || r.Code != 0 || len(rows) != 2 || rows[0].Context != "tko-mgmt" || rows[1].Context != "tko-mgmt-2" || rows[1].Name != "wc-prod-1" {
		t.Errorf("json rows %+v (%v): %s", rows, err, r)
	}
}

// TestStatusAllContextsStreams: on a terminal the rows of a context that
// answered are written while a slow one is pending, in columns fixed from
// the start; the slow one's row comes when its time is up, though its
// name sorts first.
func TestStatusAllContextsStreams(t *testing.T) {
	slow, fast := clitest.Estate(t), clitest.Estate(t)
	clitest.SlowAndFast(t, slow, fast, "clusters")
	r := clitest.Cmd{Plugin: lb.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "status", "-A", "--all-contexts", "--target-timeout", "500ms")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if r.Code != 0 || len(lines) < 3 {
		t.Fatalf("%s", r)
	}
	last := lines[len(lines)-1]
	if !strings.HasPrefix(lines[1], "zzz-fast ") || !strings.HasPrefix(last, "aaa-slow ") || !strings.Contains(last, "Error: ") {
		t.Errorf("the answering context's rows are not first:\n%s", r.Stdout)
	}
	clitest.ColumnsLineUp(t, r.Stdout, lines[0], lines[1:len(lines)-1], "NAMESPACE", "NAME", "ADC", "AKO")
}

// TestStatusAsksNoDiscovery: status knows the resources it reads, so a
// context costs its lists and no discovery round trip; an API that is not
// served is still worded as every command words it (exit 3).
func TestStatusAsksNoDiscovery(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "known resources", Args: clitest.Args("status -A"), Stdout: []string{"wc-prod-1\tinstall-ako-for-all\trunning 1/1"},
			Check: clitest.NoDiscovery},
		{Name: "no AKO operator", Setup: func(s *clitest.Server) { s.Unserve(lbpkg.OperatorGroup) }, Args: clitest.Args("status -A"),
			Code: 3, Stderr: []string{"networking.tkg.tanzu.vmware.com", "no AKO operator"}},
		{Name: "no Cluster API", Setup: func(s *clitest.Server) { s.Unserve(capi.Group) }, Args: clitest.Args("status -A"),
			Code: 3, Stderr: []string{"cluster.x-k8s.io"}},
	})
}
