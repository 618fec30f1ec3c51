package create_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupCreate asks Velero for a backup of the scope the flags give,
// and waits for it when told.
func TestBackupCreate(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "one namespace", Server: backuptest.Velero, Args: clitest.Args("backup create b1 --include-namespaces shop"),
			Stdout: []string{"backup.velero.io/b1 created\n"},
			Check: clitest.All(clitest.Stored("backups", "velero/b1", []any{"shop"}, "spec", "includedNamespaces"),
				clitest.Stored("backups", "velero/b1", []any{"kube-system", "tkg-system", "velero", "vmware-system-tmc"}, "spec", "excludedNamespaces"))},
		{Name: "waiting", Server: backuptest.Velero, Args: clitest.Args("backup create b1 -l app=shop --wait"),
			Stdout: []string{"backup.velero.io/b1 created\n"}, Stderr: []string{"Completed"}},
		{Name: "server dry run", Server: backuptest.Velero, Args: clitest.Args("backup create b1 --dry-run=server"), Stdout: []string{"b1 created (dry run)"}, NoChanges: true},
		{Name: "exists", Server: backuptest.Velero, Args: clitest.Args("backup create shop-0412"), Code: 2, Stderr: []string{"backup shop-0412 exists with another scope (namespaces shop): pick another name"}, NoChanges: true},
		{Name: "no Velero", Setup: func(s *clitest.Server) { s.Unserve(backup.Group) }, Args: clitest.Args("backup create b1"), Code: 3, Stderr: []string{"is Velero installed?"}},
		{Name: "never backed up", Args: clitest.Args("backup create b1 --include-namespaces kube-system"), Code: 2, Stderr: []string{"never backed up"}, NoRequests: true},
	})
}
