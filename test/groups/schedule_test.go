package groups

import (
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// TestGroupKeepsABackupSchedule: a backup schedule attached to a group
// before any cluster is in it; a cluster that joins gets it from `group
// sync`, kapp-controller deploys the Schedule into it, and the real Velero
// there takes a scheduled backup. Detach removes the Schedule.
func TestGroupKeepsABackupSchedule(t *testing.T) {
	e := suite.New(t)
	start := time.Now()
	s := suite.StartStore(t)
	suite.InstallVelero(t, e)
	creds := harness.Credentials(t, harness.VeleroAccessKey, harness.VeleroSecretKey)
	e.Kubectl("tko", "cluster", "backup", "location", "add", "default", "--bucket", harness.VeleroBucket, "--s3-url", s.URL,
		"--region", "us-east-1", "--credentials-file", creds, "--default").Success()
	suite.StartVelero(t, creds)
	e.Kubectl("wait", "-n", "velero", "backupstoragelocation/default", "--for=jsonpath={.status.phase}=Available", "--timeout=90s").Timeout(2 * time.Minute).Success()
	t.Logf("store, Velero and an Available location in %s", time.Since(start).Round(time.Second))
	ns := e.Namespace()
	e.Kubectl("create", "configmap", "order-1", "-n", ns, "--from-literal=total=42").Success()

	e.Kubectl("tko", "cluster", "group", "create", "backups", "--selector", "groups.test/backups=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "backups").Run() })
	e.Kubectl("tko", "cluster", "group", "attach", "backups", "backup-schedule", "group-minutely", "--schedule", "*/1 * * * *", "--include-namespaces", ns, "--ttl", "1h").Success().
		StderrContains("group backups has no member yet")

	// wc-prod-1 joins after the attach.
	label(t, e, "default", "wc-prod-1", "groups.test/backups", "yes")
	joined := time.Now()
	e.Kubectl("tko", "cluster", "group", "sync", "backups", "--wait", "--timeout", "2m").Timeout(3 * time.Minute).Success().
		StdoutContains("cluster default/wc-prod-1: backup-schedule/group-minutely: app.kappctrl.k14s.io/tko-backups-group-minutely-wc-prod-1 created")
	e.Kubectl("wait", "-n", "velero", "schedule/group-minutely", "--for=jsonpath={.status.phase}=Enabled", "--timeout=60s").Timeout(90 * time.Second).Success()
	b := suite.WaitScheduledBackup(t, "group-minutely", time.Now().Add(3*time.Minute))
	t.Logf("scheduled backup %s Completed %s after the cluster joined", b.GetName(), time.Since(joined).Round(time.Second))
	if b.GetCreationTimestamp().Time.Before(joined.Add(-time.Second)) {
		t.Fatalf("backup %s predates the cluster joining", b.GetName())
	}

	e.Kubectl("tko", "cluster", "group", "detach", "backups", "backup-schedule", "group-minutely", "--wait", "--timeout", "1m").Timeout(2 * time.Minute).Success()
	within(t, 30*time.Second, "the Schedule removed by kapp-controller", func() error { return gone(e, backup.Schedules, "velero", "group-minutely") })
	// The backups it took stay: Velero keeps them for their TTL.
	if err := exists(e, backup.Backups, "velero", b.GetName()); err != nil {
		t.Fatalf("detach took backup %s with it: %v", b.GetName(), err)
	}
}
