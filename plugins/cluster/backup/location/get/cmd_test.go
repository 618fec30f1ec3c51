package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestLocationGet describes a seeded backup storage location.
func TestLocationGet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "available", Server: backuptest.Velero, Args: clitest.Args("backup location get default"),
			Stdout: []string{"Name:                default\n", "Bucket:              tko-backups\n", "S3 URL:              https://s3.tko.example.com\n", "Phase:               Available\n"}, NoChanges: true},
		{Name: "unavailable", Server: backuptest.Velero, Args: clitest.Args("backup location get dr-site"), Stdout: []string{"Phase:               Unavailable\n", "InvalidAccessKeyId"}},
		{Name: "not found", Server: backuptest.Velero, Args: clitest.Args("backup location get nope"), Code: 3},
	})
}
