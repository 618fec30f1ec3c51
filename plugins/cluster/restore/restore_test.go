package restore

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	restorecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/create"
	restoreget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/get"
	restorelogs "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/logs"
)

// Every verb's Options has the one shape: Complete, Validate, Run.
var _ = []cli.Verb{&restorecreate.Options{}, &restoreget.Options{}, &restorelogs.Options{}}

// Refused input is refused before any connection (there is no cluster
// here): one line, exit 2.
func TestFlagsAreCheckedBeforeAnyConnection(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"restore", "create"}, "missing --from-backup"},
		{[]string{"restore", "create", "--from-backup", "b", "--namespace-mappings", "a:b,a:c"}, "mapped twice"},
		{[]string{"restore", "create", "--from-backup", "b", "--dry-run=maybe"}, "--dry-run must be none, client or server"},
		{[]string{"restore", "logs", "r", "--timeout", "-1s"}, "--timeout cannot be negative"},
		{[]string{"restore", "create", "--from-backup", "b", "--wait", "--dry-run"}, "--wait and --dry-run cannot be used together"},
	} {
		root := &cobra.Command{Use: "cluster", SilenceErrors: true, SilenceUsage: true}
		streams, _, out, errOut := cmdutil.TestStreams(false)
		root.AddCommand(NewCmd(cli.NewFactory(), streams))
		root.SetArgs(c.args)
		msg, code := explain.Explain(root.Execute())
		if msg = out.String() + errOut.String() + msg; code != explain.ExitUsage || !strings.Contains(msg, c.want) {
			t.Errorf("%v: exit %d, %q", c.args, code, msg)
		}
	}
}
