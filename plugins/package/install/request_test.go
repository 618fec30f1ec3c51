package install

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// --wait is on by default when a person watches a terminal, off when the
// output is piped, and never with --dry-run; an explicit --wait wins.
func TestWaitDefaultsOnATerminal(t *testing.T) {
	cases := []struct {
		tty  bool
		args []string
		want bool
	}{
		{true, nil, true},
		{false, nil, false},
		{true, []string{"--dry-run"}, false},
		{false, []string{"--wait"}, true},
		{true, []string{"--wait=false"}, false},
	}
	for _, tc := range cases {
		streams, _, _, _ := cmdutil.TestStreams(tc.tty)
		o := &Options{Request: NewRequest(streams)}
		cmd := &cobra.Command{Use: "install"}
		o.AddFlags(cmd, "")
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		if err := o.Complete(cli.NewFactory(), cmd, []string{"contour"}); err != nil {
			t.Fatal(err)
		}
		if o.Wait != tc.want || o.Name != "contour" {
			t.Errorf("tty=%v %v: wait=%v name=%q, want wait=%v", tc.tty, tc.args, o.Wait, o.Name, tc.want)
		}
	}
}

// The whole command on injected streams: the TTY decides --wait before
// any flag check, so --dry-run on a terminal is not refused as
// "--wait and --dry-run", and piped output never waits.
func TestInstallCommandOnTestStreams(t *testing.T) {
	for _, tty := range []bool{true, false} {
		streams, _, _, _ := cmdutil.TestStreams(tty)
		cmd := NewCmd(cli.NewFactory(), streams)
		cmd.SetArgs([]string{"contour", "-p", "contour.tanzu.vmware.com", "--dry-run", "--show-values", "--rbac", "all"})
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		err := cmd.Execute()
		if err == nil || err.Error() != `--rbac "all": use cluster-admin, namespace or none` {
			t.Errorf("tty=%v: got %v, want the --rbac refusal (flags are checked before connecting)", tty, err)
		}
	}
}
