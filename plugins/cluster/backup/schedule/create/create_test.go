package create_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/backuptest"
)

// TestScheduleCreate creates a Velero schedule from a cron expression and
// the backup scope flags.
func TestScheduleCreate(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "daily", Server: backuptest.Velero, Args: []string{"backup", "schedule", "create", "shop-daily", "--schedule", "0 1 * * *", "--include-namespaces", "shop"},
			Stdout: []string{"schedule.velero.io/shop-daily created"},
			Check: clitest.All(clitest.Stored("schedules", "velero/shop-daily", "0 1 * * *", "spec", "schedule"),
				clitest.Stored("schedules", "velero/shop-daily", []any{"shop"}, "spec", "template", "includedNamespaces"))},
		{Name: "paused", Server: backuptest.Velero, Args: clitest.Args("backup schedule create s1 --schedule @daily --paused"),
			Check: clitest.Stored("schedules", "velero/s1", true, "spec", "paused")},
		{Name: "exists", Server: backuptest.Velero, Args: clitest.Args("backup schedule create nightly --schedule @daily"), Code: 2, Stderr: []string{"nightly"}, NoChanges: true},
		{Name: "bad cron", Args: clitest.Args("backup schedule create s --schedule @fortnightly"), Code: 2, Stderr: []string{"invalid cron expression"}, NoRequests: true},
		{Name: "no schedule", Args: clitest.Args("backup schedule create s"), Code: 2, Stderr: []string{"missing --schedule"}, NoRequests: true},
	})
}
