package list_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestLocationList lists the seeded backup storage locations.
func TestLocationList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "two", Server: backuptest.Velero, Args: clitest.Args("backup location list"),
			Stdout: []string{"NAME\tPROVIDER\tBUCKET/PREFIX\tPHASE\tLAST VALIDATED\tDEFAULT\tMESSAGE\n", "default\taws\ttko-backups/mgmt\tAvailable\t", "dr-site\taws\ttko-dr\tUnavailable\t"}, NoChanges: true},
		{Name: "none", Args: clitest.Args("backup location list"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("backup location list -o table"), Code: 2, NoRequests: true},
	})
}
