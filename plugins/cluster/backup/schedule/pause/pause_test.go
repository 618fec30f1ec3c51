package pause_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestSchedulePause stops a schedule from making backups.
func TestSchedulePause(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "nightly", Server: backuptest.Velero, Args: clitest.Args("backup schedule pause nightly"),
			Stdout: []string{"schedule.velero.io/nightly paused\n"}, Check: clitest.Stored("schedules", "velero/nightly", true, "spec", "paused")},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup schedule pause nope"), Code: 3, NoChanges: true},
		{Name: "exclusive fleets", Args: clitest.Args("backup schedule pause s --cluster a --all-workload-clusters"), Code: 2, Stderr: []string{"exclusive"}, NoRequests: true},
	})
}
