package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestRestoreGet describes the seeded restore with the warnings Velero
// recorded.
func TestRestoreGet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "completed", Server: backuptest.Velero, Args: []string{"restore", "get", backuptest.Restore},
			Stdout: []string{"Backup:              shop-0412\n", "Phase:               Completed\n", "Mappings:            shop:shop-restored\n", "ConfigMap already exists"}},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("restore get nope"), Code: 3, Stderr: []string{"nope"}},
		{Name: "no name", Args: clitest.Args("restore get"), Code: 2, NoRequests: true},
	})
}
