package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestLocationDelete deletes a backup storage location after asking or
// with --yes.
func TestLocationDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "yes", Server: backuptest.Velero, Args: clitest.Args("backup location delete dr-site --yes"),
			Stdout: []string{"backupstoragelocation.velero.io/dr-site deleted\n"}, Check: clitest.Gone("backupstoragelocations", "velero/dr-site")},
		{Name: "asked on a terminal", Server: backuptest.Velero, Args: clitest.Args("backup location delete dr-site"), TTY: true, Stdin: "y\n",
			Check: clitest.Gone("backupstoragelocations", "velero/dr-site")},
		{Name: "no terminal, no --yes", Server: backuptest.Velero, Args: clitest.Args("backup location delete dr-site"), Code: 2, NoChanges: true},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup location delete nope --yes"), Code: 3, NoChanges: true},
	})
}
