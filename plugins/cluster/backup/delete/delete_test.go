package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupDelete asks Velero to delete a backup (a DeleteBackupRequest:
// Velero removes its files, then the Backup).
func TestBackupDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "yes", Server: backuptest.Velero, Args: clitest.Args("backup delete shop-0412 --yes"),
			Stdout: []string{"backup.velero.io/shop-0412 deletion requested\n"},
			Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
				reqs := s.Objects("deletebackuprequests", "velero")
				if len(reqs) != 1 || reqs[0].Object["spec"].(map[string]any)["backupName"] != "shop-0412" {
					t.Errorf("DeleteBackupRequests: %v", reqs)
				}
			}},
		{Name: "no terminal, no --yes", Server: backuptest.Velero, Args: clitest.Args("backup delete shop-0412"), Code: 2, Stderr: []string{"--yes"}, NoChanges: true},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup delete nope --yes"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("backup delete --yes"), Code: 2, NoRequests: true},
	})
}
