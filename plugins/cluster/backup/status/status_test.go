package status_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupStatus sums up the backups of the seeded cluster: locations,
// the last success, schedules and recent failures.
func TestBackupStatus(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "ok", Server: backuptest.Velero, Args: clitest.Args("backup status"),
			Stdout: []string{"VELERO\tLOCATIONS\tLAST SUCCESS\tAGE\tSCHEDULES\tFAILED 24H\tSTATUS\n", "v1.18.3\t1/2 available (unavailable: dr-site)\tnightly-", "\t2 (paused: weekly-full)\tpre-upgrade,shop-0412\tOK\n"}, NoChanges: true},
		{Name: "too old", Server: backuptest.Velero, Args: clitest.Args("backup status --max-age 1h"), Code: 1, Stdout: []string{"nightly-"}},
		{Name: "no Velero objects", Args: clitest.Args("backup status"), Code: 1},
		{Name: "bad max age", Args: clitest.Args("backup status --max-age 0s"), Code: 2, Stderr: []string{"--max-age must be positive"}, NoRequests: true},
	})
}
