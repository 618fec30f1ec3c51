package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupGet describes a seeded backup with the errors and warnings
// Velero recorded, read from the object store.
func TestBackupGet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "partially failed", Server: backuptest.Velero, Args: clitest.Args("backup get shop-0412"),
			Stdout: []string{"Name:                shop-0412\n", "Phase:               PartiallyFailed\n", "Scope:               namespaces shop\n", "volume snapshot failed", "2 pods not ready"}},
		{Name: "as yaml", Server: backuptest.Velero, Args: clitest.Args("backup get shop-0412 -o yaml"), Stdout: []string{"kind: Backup\n", "phase: PartiallyFailed\n"}, NoChanges: true},
		{Name: "Velero stopped", Server: backuptest.Stopped, Args: clitest.Args("backup get shop-0412"),
			Stdout: []string{"Phase:               PartiallyFailed\n", "the Velero server is not running"}},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup get nope"), Code: 3, Stderr: []string{`backup "nope" not found in namespace "velero"`}},
		{Name: "no name", Args: clitest.Args("backup get"), Code: 2, NoRequests: true},
	})
}
