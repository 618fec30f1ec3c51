package expire_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestSilenceExpire ends silences now.
func TestSilenceExpire(t *testing.T) {
	am := observetest.NewAlertmanager()
	am.Silence("silence-7", "alertname=TKONodeNotReady")
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "expire", Setup: observetest.Serving(am), Args: clitest.Args("silence expire silence-7"), Stdout: []string{"silence-7"},
			Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				if s := am.Silences(); s[0]["status"].(map[string]any)["state"] != "expired" {
					t.Errorf("silence %v", s[0])
				}
			}},
		{Name: "not found", Server: observetest.Monitoring, Args: clitest.Args("silence expire silence-9"), Code: 3, Stderr: []string{`silence "silence-9" not found`}},
		{Name: "no id", Args: clitest.Args("silence expire"), Code: 2, NoRequests: true},
	})
}
