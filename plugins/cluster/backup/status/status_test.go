package status_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestBackupStatus sums up the backups of the seeded cluster: locations,
// the last success, schedules and recent failures.
func TestBackupStatus(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "ok", Server: backuptest.Velero, Args: clitest.Args("backup status"),
			Stdout: []string{"VELERO\tLOCATIONS\tLAST SUCCESS\tAGE\tSCHEDULES\tFAILED 24H\tSTATUS\n", "v1.18.3\t1/2 available (unavailable: dr-site)\tnightly-", "\t2 (paused: weekly-full)\tpre-upgrade,shop-0412\tOK\n"}, NoChanges: true},
		{Name: "too old", Server: backuptest.Velero, Args: clitest.Args("backup status --max-age 1h"), Code: 1, Stdout: []string{"nightly-"}},
		{Name: "no Velero objects", Args: clitest.Args("backup status"), Code: 1},
		{Name: "bad max age", Args: clitest.Args("backup status --max-age 0s"), Code: 2, Stderr: []string{"--max-age must be positive"}, NoRequests: true},
	})
}

// TestBackupStatusStreams: on a terminal the row of a context that
// answered is written while a slow one is pending, in columns fixed from
// the start; the slow one's row comes when its time is up, though its name
// sorts first.
func TestBackupStatusStreams(t *testing.T) {
	slow, fast := backuptest.Velero(t), backuptest.Velero(t)
	clitest.SlowAndFast(t, slow, fast, "backups")
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "backup", "status", "--all-contexts", "--target-timeout", "500ms")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if r.Code != 0 || len(lines) != 3 {
		t.Fatalf("%s", r)
	}
	if !strings.HasPrefix(lines[1], "zzz-fast ") || !strings.HasPrefix(lines[2], "aaa-slow ") || !strings.Contains(lines[2], "Error: ") {
		t.Errorf("the answering context's row is not first:\n%s", r.Stdout)
	}
	clitest.ColumnsLineUp(t, r.Stdout, lines[0], lines[1:2], "VELERO", "LOCATIONS", "LAST SUCCESS", "AGE")
}

// TestBackupStatusAsksNoDiscovery: status knows what it reads, so a
// cluster costs its reads and no discovery round trip; a cluster without
// Velero is still worded as every backup verb words it (exit 3).
func TestBackupStatusAsksNoDiscovery(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "known resources", Server: backuptest.Velero, Args: clitest.Args("backup status"), Stdout: []string{"v1.18.3\t1/2 available"},
			Check: clitest.NoDiscovery},
		{Name: "no Velero", Server: backuptest.Velero, Setup: func(s *clitest.Server) { s.Unserve(backup.Group) }, Args: clitest.Args("backup status"),
			Code: 3, Stderr: []string{"does not serve velero.io: is Velero installed?"}},
	})
}
