package add_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestLocationAdd adds a backup storage location, its credentials in a
// Secret of their own.
func TestLocationAdd(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(creds, []byte("[default]\naws_access_key_id=AKIA\naws_secret_access_key=secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "s3 with credentials", Server: backuptest.Velero, Args: []string{"backup", "location", "add", "dr-2", "--bucket", "tko-dr-2", "--s3-url", "https://s3.dr.example.com", "--region", "us-west-2", "--credentials-file", creds},
			Stdout: []string{"backupstoragelocation.velero.io/dr-2 created"}, Absent: []string{"aws_secret_access_key", "secret\n"},
			Check: clitest.All(clitest.Stored("backupstoragelocations", "velero/dr-2", "tko-dr-2", "spec", "objectStorage", "bucket"),
				clitest.Stored("backupstoragelocations", "velero/dr-2", "https://s3.dr.example.com", "spec", "config", "s3Url"))},
		{Name: "client dry run", Args: clitest.Args("backup location add l2 --bucket b2 --dry-run"), Stdout: []string{"backupstoragelocation.velero.io/l2 created (dry run)\n"}, NoRequests: true},
		{Name: "exists", Server: backuptest.Velero, Args: clitest.Args("backup location add default --bucket other"), Code: 2, Stderr: []string{"default"}, NoChanges: true},
		{Name: "no bucket", Args: clitest.Args("backup location add l"), Code: 2, Stderr: []string{"missing --bucket"}, NoRequests: true},
		{Name: "bad url", Args: clitest.Args("backup location add l --bucket b --s3-url s3.example.com"), Code: 2, Stderr: []string{"is not a URL"}, NoRequests: true},
	})
}
