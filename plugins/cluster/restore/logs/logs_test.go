package logs_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestRestoreLogs streams the seeded restore's log from the object store.
func TestRestoreLogs(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "log", Server: backuptest.Velero, Args: []string{"restore", "logs", backuptest.Restore},
			Stdout: []string{`msg="Restoring resource" restore=velero/` + backuptest.Restore}},
		{Name: "Velero stopped", Server: backuptest.Stopped, Args: []string{"restore", "logs", backuptest.Restore}, Code: 1, Stderr: []string{"the Velero server is not running"}},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("restore logs nope"), Code: 3},
		{Name: "no name", Args: clitest.Args("restore logs"), Code: 2, NoRequests: true},
	})
}
