package logs_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupLogs streams a seeded backup's log from the object store
// through a DownloadRequest, which it deletes afterwards.
func TestBackupLogs(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "log", Server: backuptest.Velero, Args: clitest.Args("backup logs shop-0412"),
			Stdout: []string{`msg="Backing up item" backup=velero/shop-0412 resource=pods`},
			Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
				if left := s.Objects("downloadrequests", "velero"); len(left) != 0 {
					t.Errorf("%d DownloadRequest(s) left behind", len(left))
				}
			}},
		{Name: "not uploaded", Server: backuptest.Velero, Args: clitest.Args("backup logs pre-upgrade"), Code: 3, Stderr: []string{"Velero has not uploaded it yet"}},
		{Name: "Velero stopped", Server: backuptest.Stopped, Args: clitest.Args("backup logs shop-0412"), Code: 1, Stderr: []string{"the Velero server is not running"}},
		{Name: "negative timeout", Args: clitest.Args("backup logs b --timeout -1s"), Code: 2, NoRequests: true},
	})
}
