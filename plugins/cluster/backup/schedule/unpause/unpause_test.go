package unpause_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestScheduleUnpause lets a paused schedule make backups again.
func TestScheduleUnpause(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "weekly", Server: backuptest.Velero, Args: clitest.Args("backup schedule unpause weekly-full"),
			Stdout: []string{"schedule.velero.io/weekly-full unpaused\n"}, Check: clitest.Stored("schedules", "velero/weekly-full", false, "spec", "paused")},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup schedule unpause nope"), Code: 3, NoChanges: true},
		{Name: "contexts and selector", Args: clitest.Args("backup schedule unpause s --all-contexts --cluster-selector env=lab"), Code: 2, Stderr: []string{"not both"}, NoRequests: true},
	})
}
