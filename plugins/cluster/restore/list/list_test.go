package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestRestoreList lists the seeded restore.
func TestRestoreList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "one", Server: backuptest.Velero, Args: clitest.Args("restore list"),
			Stdout: []string{"NAME\tBACKUP\tPHASE\tITEMS\tERRORS\tWARNINGS\tSTARTED\tCOMPLETED\n", backuptest.Restore + "\tshop-0412\tCompleted\t37/37\t0\t4\t"}, NoChanges: true},
		{Name: "none", Args: clitest.Args("restore list"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("restore list -o table"), Code: 2, NoRequests: true},
	})
}
