package observe

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// TestTargetsAndRules: the API server's target up, the one nothing serves
// down with its error; TKO's recommended rules loaded, healthy, the
// watchdog firing.
func TestTargetsAndRules(t *testing.T) {
	monitoring(t)
	e := suite.New(t)
	upQuery(t, e)
	e.Kubectl("tko", "observe", "targets").Success().
		StdoutContains("POOL\tURL\tHEALTH\tLAST SCRAPE\tERROR", "apiserver\thttps://127.0.0.1:", "/metrics\tup\t",
			"nothing-listens\thttp://10.254.0.1:1/metrics\tdown\t", "connection refused")
	r := e.Kubectl("tko", "observe", "targets", "--down", "-o", "json").ExitCode(explain.ExitFailure)
	var down []struct{ ScrapePool, Health string }
	if err := json.Unmarshal([]byte(r.Stdout), &down); err != nil || len(down) != 1 || down[0].ScrapePool != "nothing-listens" {
		t.Errorf("targets --down: %v %+v", err, down)
	}

	r = eventually(t, 10*time.Second, func() *harness.Result { return e.Kubectl("tko", "observe", "rules", "--firing").Run() },
		func(r *harness.Result) bool {
			return strings.Contains(r.Stdout, "TKOWatchdog") && strings.Contains(r.Stdout, "TestTargetDown")
		})
	r.Success().StdoutContains("tko.watchdog\tTKOWatchdog\talerting\tok\tfiring\t1", "test\tTestTargetDown\talerting\tok\tfiring\t1").
		StdoutLacks("TKOAPIServerErrorsHigh")
	e.Kubectl("tko", "observe", "rules").Success().StdoutContains("tko.apiserver\tTKOAPIServerErrorsHigh\talerting\tok\tinactive\t0")
}

// TestAlertsAndSilences: the firing alerts reach the real Alertmanager;
// a silence hides one, lists, and expires; Alertmanager's refusal is one line.
func TestAlertsAndSilences(t *testing.T) {
	monitoring(t)
	e := suite.New(t)
	r := eventually(t, 15*time.Second, func() *harness.Result { return e.Kubectl("tko", "observe", "alerts").Run() },
		func(r *harness.Result) bool {
			return strings.Contains(r.Stdout, "TestTargetDown") && strings.Contains(r.Stdout, "TKOWatchdog")
		})
	r.Success().StdoutContains("SEVERITY\tALERT\tSTATE\tSINCE\tLABELS", "warning\tTestTargetDown\tactive\t", "instance=10.254.0.1:1,job=nothing-listens", "none\tTKOWatchdog\tactive")
	if strings.Index(r.Stdout, "warning\t") > strings.Index(r.Stdout, "none\t") {
		t.Errorf("warnings must come before severity none:\n%s", r.Stdout)
	}

	e.Kubectl("tko", "observe", "silence", "add", "alertname=TestTargetDown", "--comment", "known", "--dry-run").Success().
		StdoutContains(`silence alertname="TestTargetDown" until `, "(dry run)")
	e.Kubectl("tko", "observe", "silence", "list").Success().StderrContains("No silences.")
	r = e.Kubectl("tko", "observe", "silence", "add", "alertname=TestTargetDown", "job=~nothing.*", "--comment", "known", "--duration", "1h").Success()
	id := regexp.MustCompile(`^silence/(\S+) created\n$`).FindStringSubmatch(r.Stdout)
	if id == nil {
		t.Fatalf("silence add: %q", r.Stdout)
	}
	e.Kubectl("tko", "observe", "silence", "list").Success().
		StdoutContains(id[1] + "\tactive\t" + `alertname="TestTargetDown",job=~"nothing.*"` + "\tin 59m\ttko-admin")
	r = eventually(t, 10*time.Second, func() *harness.Result { return e.Kubectl("tko", "observe", "alerts").Run() },
		func(r *harness.Result) bool { return !strings.Contains(r.Stdout, "TestTargetDown") })
	r.Success().StdoutContains("TKOWatchdog")
	e.Kubectl("tko", "observe", "alerts", "--silenced", "--severity", "warning").Success().StdoutContains("TestTargetDown\tsilenced by " + id[1]).StdoutLacks("TKOWatchdog")

	e.Kubectl("tko", "observe", "silence", "expire", id[1], "--dry-run").Success().StdoutContains("silence/" + id[1] + " expired (dry run)")
	e.Kubectl("tko", "observe", "silence", "expire", id[1]).Success().StdoutContains("silence/" + id[1] + " expired (")
	e.Kubectl("tko", "observe", "silence", "list", "--expired").Success().StdoutContains(id[1] + "\texpired\t")

	e.Kubectl("tko", "observe", "silence", "add", `namespace=~".*"`, "--comment", "everything").ExitCode(explain.ExitUsage).
		OneLineError("Alertmanager refused the request:", "matcher")
	e.Kubectl("tko", "observe", "silence", "add", "alertname", "--comment", "x").ExitCode(explain.ExitUsage).StderrContains("is not a matcher")
	e.Kubectl("tko", "observe", "silence", "add", "alertname=x").ExitCode(explain.ExitUsage).StderrContains("--comment is required")
	e.Kubectl("tko", "observe", "silence", "expire", "00000000-0000-0000-0000-000000000000").ExitCode(explain.ExitNotFound).OneLineError(`silence "00000000-0000-0000-0000-000000000000" not found: list them with`)
}
