package targets_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestTargets lists Prometheus's scrape targets; --down exits 1 when one
// is down.
func TestTargets(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "all", Server: observetest.Monitoring, Args: clitest.Args("targets"),
			Stdout: []string{"POOL\tURL\tHEALTH\tLAST SCRAPE\tERROR\n", "apiserver\thttps://10.20.0.10:6443/metrics\tup\t", "node-exporter\thttp://10.20.0.11:9100/metrics\tdown\t"}, NoChanges: true},
		{Name: "down", Server: observetest.Monitoring, Args: clitest.Args("targets --down"), Code: 1, Stdout: []string{"connection refused"}, Absent: []string{"apiserver"}},
		{Name: "no Prometheus", Args: clitest.Args("targets"), Code: 3},
		{Name: "bad service", Args: clitest.Args("targets --prometheus-service nope"), Code: 2, Stderr: []string{"is not NAMESPACE/NAME[:PORT]"}, NoRequests: true},
	})
}
