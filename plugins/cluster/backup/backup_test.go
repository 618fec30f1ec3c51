package backup

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/create"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/add"
	locationdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/delete"
	locationget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/logs"
	schedulecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/create"
	scheduledelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/pause"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/unpause"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/status"
)

// Every verb's Options has the one shape: Complete, Validate, Run.
var _ = []cli.Verb{
	&create.Options{}, &get.Options{}, &delete.Options{}, &logs.Options{}, &status.Options{}, &add.Options{}, &locationget.Options{}, &locationdelete.Options{},
	&schedulecreate.Options{}, &scheduledelete.Options{}, &pause.Options{}, &unpause.Options{},
}

func run(t *testing.T, args ...string) (string, int) {
	t.Helper()
	root := &cobra.Command{Use: "cluster", SilenceErrors: true, SilenceUsage: true}
	streams, _, out, errOut := cmdutil.TestStreams(false)
	f := cli.NewFactory()
	root.AddCommand(NewCmd(f, streams))
	root.SetArgs(args)
	err := root.Execute()
	msg, code := explain.Explain(err)
	return out.String() + errOut.String() + msg, code
}

// Refused input is refused before any connection (there is no cluster
// here): one line, exit 2.
func TestFlagsAreCheckedBeforeAnyConnection(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup", "create", "b", "--include-namespaces", "vmware-system-tmc"}, "never backed up"},
		{[]string{"backup", "create", "b", "--dry-run=maybe"}, "--dry-run must be none, client or server"},
		{[]string{"backup", "create", "b", "--ttl", "-1h"}, "cannot be negative"},
		{[]string{"backup", "create", "b", "--cluster", "a", "--all-workload-clusters"}, "exclusive"},
		{[]string{"backup", "schedule", "create", "s", "--schedule", "@fortnightly"}, "invalid cron expression"},
		{[]string{"backup", "schedule", "create", "s"}, "missing --schedule"},
		{[]string{"backup", "schedule", "pause", "s", "--cluster", "a", "--all-workload-clusters"}, "exclusive"},
		{[]string{"backup", "schedule", "unpause", "s", "--all-contexts", "--cluster-selector", "env=lab"}, "not both"},
		{[]string{"backup", "schedule", "delete", "s", "--all-workload-clusters", "--dry-run=maybe"}, "--dry-run must be none, client or server"},
		{[]string{"backup", "schedule", "delete", "s", "--cluster", "a", "--parallel", "0"}, "--parallel must be at least 1"},
		{[]string{"backup", "status", "--max-age", "0s"}, "--max-age must be positive"},
		{[]string{"backup", "location", "add", "l"}, "missing --bucket"},
		{[]string{"backup", "location", "add", "l", "--bucket", "b", "--s3-url", "s3.example.com"}, "is not a URL"},
		{[]string{"backup", "location", "get", "l", "--cluster", "a", "--cluster-selector", "env=lab"}, "exclusive"},
		{[]string{"backup", "location", "get", "l", "-o", "table"}, "table"},
		{[]string{"backup", "location", "get"}, "NAME"},
		{[]string{"backup", "logs", "b", "--timeout", "-1s"}, "--timeout cannot be negative"},
		{[]string{"backup", "create", "b", "--wait", "--dry-run"}, "--wait and --dry-run cannot be used together"},
		{[]string{"backup", "delete", "b", "--wait", "--dry-run=server"}, "--wait and --dry-run cannot be used together"},
	} {
		msg, code := run(t, c.args...)
		if code != explain.ExitUsage || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, msg)
		}
	}
}

// A client dry run prints the object without a cluster.
func TestClientDryRunNeedsNoCluster(t *testing.T) {
	out, code := run(t, "backup", "create", "b", "--include-namespaces", "shop", "-l", "app=shop", "--dry-run", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "kind: Backup") || !strings.Contains(out, "- vmware-system-tmc") || !strings.Contains(out, "app: shop") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, code = run(t, "backup", "schedule", "create", "nightly", "--schedule", "0 2 * * *", "--dry-run")
	if code != 0 || !strings.Contains(out, "schedule.velero.io/nightly created (dry run)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	out, code = run(t, "backup", "schedule", "create", "nightly", "--schedule", "*/1 * * * *", "--include-namespaces", "shop", "--ttl", "1h", "--dry-run", "-o", "yaml")
	if code != 0 || !strings.Contains(out, "kind: Schedule") || !strings.Contains(out, "schedule: '*/1 * * * *'") || !strings.Contains(out, "ttl: 1h0m0s") ||
		!strings.Contains(out, "- shop") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}
