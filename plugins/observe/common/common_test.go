package common

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
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

func TestPrintSections(t *testing.T) {
	results := []fleet.Result[int]{{Target: "a", Value: 1}, {Target: "b", Err: errors.New("boom")}}
	print := func(w io.Writer, v int) error { _, err := fmt.Fprintf(w, "value %d\n", v); return err }
	_, out, _, _ := cmdutil.TestStreams(false)
	failed, err := PrintSections(out, cli.NewOutputFlags(), results, print)
	if err != nil || !failed || out.String() != "== a\nvalue 1\n\n== b\nunreachable: boom\n" {
		t.Errorf("%v %v %q", failed, err, out.String())
	}
	out.Reset()
	if failed, _ := PrintSections(out, cli.NewOutputFlags(), []fleet.Result[int]{{Value: 2}}, print); failed || out.String() != "value 2\n" {
		t.Errorf("current context alone: %q", out.String())
	}
}
