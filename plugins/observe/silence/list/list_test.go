package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestSilenceList lists Alertmanager's active silences.
func TestSilenceList(t *testing.T) {
	am := observetest.NewAlertmanager()
	am.Silence("silence-7", "alertname=TKONodeNotReady")
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "one", Setup: observetest.Serving(am), Args: clitest.Args("silence list"),
			Stdout: []string{"ID\tSTATE\tMATCHERS\tENDS\tCREATED BY\n", "silence-7\tactive\talertname=\"TKONodeNotReady\"\tin ", "\tops\n"}, NoChanges: true},
		{Name: "none", Server: observetest.Monitoring, Args: clitest.Args("silence list"), Stderr: []string{"No silences."}},
		{Name: "no Alertmanager", Args: clitest.Args("silence list"), Code: 3},
		{Name: "arguments", Args: clitest.Args("silence list x"), Code: 2, NoRequests: true},
	})
}
