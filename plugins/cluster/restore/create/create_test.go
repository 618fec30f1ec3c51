package create_test

import (
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestRestoreCreate restores a Completed backup, under other namespace
// names when asked, and refuses one that did not complete.
func TestRestoreCreate(t *testing.T) {
	// The seed names the schedule's backups by the day they ran, as Velero
	// does; the latest one started 8 hours before the seed.
	latest := "nightly-" + time.Now().Add(-8*time.Hour).UTC().Format("20060102") + "020000"
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "mapped, waiting", Server: backuptest.Velero, Args: clitest.Args("restore create r1 --from-backup " + latest + " --namespace-mappings shop:shop-2 --wait"),
			Stdout: []string{"restore.velero.io/r1 created"}, Stderr: []string{"Completed"},
			Check: clitest.Stored("restores", "velero/r1", map[string]any{"shop": "shop-2"}, "spec", "namespaceMapping")},
		{Name: "partially failed backup", Server: backuptest.Velero, Args: clitest.Args("restore create --from-backup shop-0412"), Code: 2,
			Stderr: []string{"backup shop-0412 is PartiallyFailed, not Completed: nothing was restored"}, NoChanges: true},
		{Name: "no backup", Server: backuptest.Velero, Args: clitest.Args("restore create --from-backup nope"), Code: 3, NoChanges: true},
		{Name: "no --from-backup", Args: clitest.Args("restore create r1"), Code: 2, Stderr: []string{"--from-backup"}, NoRequests: true},
		{Name: "bad mapping", Args: clitest.Args("restore create --from-backup b --namespace-mappings shop"), Code: 2, NoRequests: true},
	})
}
