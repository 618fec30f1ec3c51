package observe

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// upQuery waits for Prometheus's first scrapes of both jobs.
func upQuery(t *testing.T, e *harness.Env) *harness.Result {
	t.Helper()
	r := eventually(t, 20*time.Second, func() *harness.Result { return e.Kubectl("tko", "observe", "query", "up").Run() },
		func(r *harness.Result) bool { return r.Code == 0 && strings.Count(r.Stdout, "up{") == 2 })
	return r.Success()
}

// TestQueryThroughTheServiceProxy: an instant query as a table through the
// API server's service proxy, the same as JSON; a range query as rows when
// piped; the same Prometheus by URL.
func TestQueryThroughTheServiceProxy(t *testing.T) {
	monitoring(t)
	e := suite.New(t)
	r := upQuery(t, e)
	r.StdoutContains("SERIES\tVALUE", `up{instance="127.0.0.1:`, `job="apiserver"}`+"\t1", `up{instance="10.254.0.1:1", job="nothing-listens"}`+"\t0")

	r = e.Kubectl("tko", "observe", "query", `sum(up{job="apiserver"})`, "-o", "json").Success()
	var res struct {
		ResultType string
		Series     []struct{ Points []struct{ Value float64 } }
	}
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || res.ResultType != "vector" || len(res.Series) != 1 || res.Series[0].Points[0].Value != 1 {
		t.Fatalf("-o json: %v %+v\n%s", err, res, r.Stdout)
	}

	time.Sleep(2 * time.Second) // a few points to plot
	r = e.Kubectl("tko", "observe", "query", `up{job="apiserver"}`, "--range", "3s", "--step", "1s").Success()
	rows := r.StdoutLines()
	if len(rows) < 3 || rows[0] != "SERIES\tTIME\tVALUE" || !strings.HasSuffix(rows[len(rows)-1], "\t1") {
		t.Errorf("range rows:\n%s", r.Stdout)
	}

	e.Kubectl("tko", "observe", "query", "count(up)", "--prometheus-url", "http://"+monitoringIP+":9090").Success().StdoutContains("{}\t2")
}

// TestQueryRefusals: each refusal is one line with its exit code.
func TestQueryRefusals(t *testing.T) {
	monitoring(t)
	e := suite.New(t)
	e.Kubectl("tko", "observe", "query", "sum(up").ExitCode(explain.ExitUsage).OneLineError("invalid query:", "parse error")
	e.Kubectl("tko", "observe", "query", "up", "--range", "1h", "--step", "1s").ExitCode(explain.ExitUsage).
		OneLineError("--range 1h0m0s at --step 1s is 3601 points per series, more than --max-points 1000: use --step 4s")
	upQuery(t, e)
	e.Kubectl("tko", "observe", "query", "up", "--max-series", "1").Success().StderrContains("1 of 2 series shown")
	e.Kubectl("tko", "observe", "query", "up", "--prometheus-service", "tanzu-system-monitoring/nope:80").ExitCode(explain.ExitNotFound).
		OneLineError("no Prometheus found in tanzu-system-monitoring", "install it with 'kubectl tko package install prometheus", "or pass --prometheus-url")
	e.Kubectl("tko", "observe", "query", "up", "--prometheus-url", "http://"+monitoringIP+":1").ExitCode(explain.ExitUnreachable).
		OneLineError("cannot reach Prometheus at http://10.254.0.1:1", "--prometheus-url")
	e.Kubectl("tko", "observe", "query", "up", "--context", "tko-local-viewer").ExitCode(explain.ExitForbidden).
		OneLineError(`user "tko-viewer" may not get services/proxy in namespace "tanzu-system-monitoring"`)
	e.Kubectl("tko", "observe", "query", "up", "--prometheus-url", "ftp://x").ExitCode(explain.ExitUsage).StderrContains("is not an http(s) URL")
}
