package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestScheduleList lists the seeded schedules with their last backup.
func TestScheduleList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "two", Server: backuptest.Velero, Args: clitest.Args("backup schedule list"),
			Stdout: []string{"NAME\tSCHEDULE\tPHASE\tPAUSED\tLAST BACKUP\tLAST RESULT\tTTL\n", "nightly\t0 2 * * *\tEnabled\tfalse\t8h\tCompleted (0 errors, 1 warnings)\t720h0m0s\n", "weekly-full\t0 3 * * 0\tEnabled\ttrue\t"}, NoChanges: true},
		{Name: "none", Args: clitest.Args("backup schedule list"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("backup schedule list -o table"), Code: 2, NoRequests: true},
	})
}
