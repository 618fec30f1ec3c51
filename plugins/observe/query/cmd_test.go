package query_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestQuery runs instant and range queries on Prometheus through the API
// server's service proxy.
func TestQuery(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "instant", Server: observetest.Monitoring, Args: clitest.Args("query up"),
			Stdout: []string{"SERIES\tVALUE\n", `up{instance="10.20.0.10:6443", job="apiserver"}` + "\t1\n", `up{instance="10.20.0.11:9100", job="node-exporter"}` + "\t0\n"}, NoChanges: true},
		{Name: "range", Server: observetest.Monitoring, Args: clitest.Args("query up --range 10m --step 5m"),
			Stdout: []string{"SERIES\tTIME\tVALUE\n", `job="node-exporter"}` + "\t"}},
		{Name: "as json", Server: observetest.Monitoring, Args: clitest.Args("query up -o json"), Stdout: []string{`"job": "apiserver"`}},
		{Name: "nothing", Server: observetest.Monitoring, Args: clitest.Args("query absent_metric"), Stderr: []string{"No series."}},
		{Name: "bad promql", Server: observetest.Monitoring, Args: []string{"query", "sum(("}, Code: 2, Stderr: []string{"invalid query", "parse error"}},
		{Name: "no Prometheus", Args: clitest.Args("query up"), Code: 3, Stderr: []string{"no Prometheus found in tanzu-system-monitoring"}},
		{Name: "empty", Args: []string{"query", ""}, Code: 2, Stderr: []string{"the query is empty"}, NoRequests: true},
	})
}
