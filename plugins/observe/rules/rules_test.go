package rules_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestRules lists Prometheus's rules with their health and state.
func TestRules(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "all", Server: observetest.Monitoring, Args: clitest.Args("rules"),
			Stdout: []string{"GROUP\tRULE\tTYPE\tHEALTH\tSTATE\tALERTS\tERROR\n", "tko.targets\tTKOTargetDown\talerting\tok\tfiring\t1\t-\n", "tko.targets\tjob:up:sum\trecording\tok\t-\t-\t-\n"}, NoChanges: true},
		{Name: "firing", Server: observetest.Monitoring, Args: clitest.Args("rules --firing"), Stdout: []string{"TKOTargetDown"}, Absent: []string{"TKOPodCrashLooping", "job:up:sum"}},
		{Name: "no Prometheus", Args: clitest.Args("rules"), Code: 3, Stderr: []string{"no Prometheus found"}},
		{Name: "bad url", Args: clitest.Args("rules --prometheus-url ftp://x"), Code: 2, NoRequests: true},
	})
}
