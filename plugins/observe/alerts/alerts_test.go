package alerts_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestAlerts lists Alertmanager's alerts through the API server's service
// proxy, the worst severity first.
func TestAlerts(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "firing", Server: observetest.Monitoring, Args: clitest.Args("alerts"),
			Stdout: []string{"SEVERITY\tALERT\tSTATE\tSINCE\tLABELS\ncritical\tTKONodeNotReady\tactive\t30m\t-\nwarning\tTKOTargetDown\tactive\t30m\t-\n"}, NoChanges: true},
		{Name: "one severity", Server: observetest.Monitoring, Args: clitest.Args("alerts --severity warning"), Stdout: []string{"TKOTargetDown"}, Absent: []string{"TKONodeNotReady"}},
		{Name: "no Alertmanager", Args: clitest.Args("alerts"), Code: 3,
			Stderr: []string{"no Alertmanager found in tanzu-system-monitoring", `no endpoints available for service "alertmanager"`}},
		{Name: "url and service", Args: clitest.Args("alerts --alertmanager-url http://x --alertmanager-service a/b:80"), Code: 2, Stderr: []string{"are exclusive"}, NoRequests: true},
	})
}
