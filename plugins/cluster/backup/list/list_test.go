package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupList lists the seeded backups with their phase and progress.
func TestBackupList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "four", Server: backuptest.Velero, Args: clitest.Args("backup list"),
			Stdout: []string{"NAME\tPHASE\tITEMS\tERRORS\tWARNINGS\tSTARTED\tCOMPLETED\tEXPIRES\tLOCATION\n", "pre-upgrade\tFailed\t-\t0\t0\t", "shop-0412\tPartiallyFailed\t37/39\t2\t3\t"}, NoChanges: true},
		{Name: "names", Server: backuptest.Velero, Args: clitest.Args("backup list -o name"), Stdout: []string{"backup.velero.io/shop-0412\n"}},
		{Name: "none", Args: clitest.Args("backup list"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("backup list -o table"), Code: 2, NoRequests: true},
	})
}
