package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestScheduleDelete deletes a schedule, leaving the backups it made.
func TestScheduleDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "yes", Server: backuptest.Velero, Args: clitest.Args("backup schedule delete nightly --yes"),
			Stdout: []string{"schedule.velero.io/nightly deleted\n"}, Check: clitest.Gone("schedules", "velero/nightly")},
		{Name: "dry run", Server: backuptest.Velero, Args: clitest.Args("backup schedule delete nightly --yes --dry-run=server"), Stdout: []string{"(dry run)"}, NoChanges: true},
		{Name: "no terminal, no --yes", Server: backuptest.Velero, Args: clitest.Args("backup schedule delete nightly"), Code: 2, NoChanges: true},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup schedule delete nope --yes"), Code: 3, NoChanges: true},
		{Name: "no parallelism", Args: clitest.Args("backup schedule delete s --cluster a --parallel 0"), Code: 2, NoRequests: true},
	})
}
