package add_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestSilenceAdd silences alerts in Alertmanager for a while, with a
// comment; a dry run sends nothing.
func TestSilenceAdd(t *testing.T) {
	am, dry := observetest.NewAlertmanager(), observetest.NewAlertmanager()
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "add", Setup: observetest.Serving(am), Args: []string{"silence", "add", "alertname=TKONodeNotReady", "--duration", "2h", "--comment", "node replacement"},
			Stdout: []string{"silence/silence-1 created\n"},
			Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				if s := am.Silences(); len(s) != 1 || s[0]["comment"] != "node replacement" || s[0]["createdBy"] == "" {
					t.Errorf("silences %v", s)
				}
			}},
		{Name: "dry run", Setup: observetest.Serving(dry), Args: []string{"silence", "add", "alertname=TKONodeNotReady", "--comment", "x", "--dry-run"},
			Stdout: []string{"dry run"}, Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				if len(dry.Silences()) != 0 {
					t.Error("a dry run added a silence")
				}
			}},
		{Name: "no comment", Args: clitest.Args("silence add alertname=X"), Code: 2, Stderr: []string{"--comment is required"}, NoRequests: true},
		{Name: "bad matcher", Args: clitest.Args("silence add alertname --comment x"), Code: 2, Stderr: []string{"is not a matcher"}, NoRequests: true},
		{Name: "no matcher", Args: clitest.Args("silence add --comment x"), Code: 2, NoRequests: true},
	})
}
