package common

import (
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

// TestWord: the domain's errors become one line naming the flag that
// fixes them, with their exit code.
func TestWord(t *testing.T) {
	p, am := NewPrometheus(), NewAlertmanager()
	for _, c := range []struct {
		api  *API
		err  error
		code int
		want string
	}{
		{p, &observe.NotInstalledError{Component: observe.Prometheus, Service: observe.PrometheusService, Reason: `services "prometheus-server" not found`}, explain.ExitNotFound,
			"no Prometheus found in tanzu-system-monitoring (tanzu-system-monitoring/prometheus-server:80: services \"prometheus-server\" not found): install it with 'kubectl tko package install prometheus -p prometheus.tanzu.vmware.com -n tanzu-packages' or pass --prometheus-url"},
		{am, &observe.UnreachableError{Component: observe.Alertmanager, URL: "http://localhost:9093", Err: errors.New("connection refused")}, explain.ExitUnreachable,
			"cannot reach Alertmanager at http://localhost:9093: connection refused; is the port-forward running and --alertmanager-url right?"},
		{p, &observe.QueryError{Msg: "1:5: parse error: unclosed left parenthesis"}, explain.ExitUsage, "invalid query: 1:5: parse error: unclosed left parenthesis"},
		{am, &observe.APIError{Component: observe.Alertmanager, Code: 400, Msg: "bad matcher"}, explain.ExitUsage, "Alertmanager refused the request: bad matcher"},
	} {
		msg, code := explain.Explain(c.api.Word(c.err))
		if msg != c.want || code != c.code {
			t.Errorf("%T: %q (exit %d), want %q (exit %d)", c.err, msg, code, c.want, c.code)
		}
	}
}

func TestAPIValidate(t *testing.T) {
	for args, want := range map[string]string{
		"":                               "",
		"--prometheus-url http://x:9090": "",
		"--prometheus-service mon/prom":  "",
		"--prometheus-url x:9090":        "is not an http(s) URL",
		"--prometheus-service prom":      "is not NAMESPACE/NAME[:PORT]",
		"--prometheus-url http://x --prometheus-service a/b": "--prometheus-url and --prometheus-service are exclusive",
	} {
		api := NewPrometheus()
		cmd := &cobra.Command{Use: "x", RunE: func(*cobra.Command, []string) error { return nil }}
		api.AddFlags(cmd)
		if err := cmd.ParseFlags(strings.Fields(args)); err != nil {
			t.Fatal(err)
		}
		err := api.Validate(cmd)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: %v, want %q", args, err, want)
		}
	}
}
