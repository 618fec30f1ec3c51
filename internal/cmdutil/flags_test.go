package cmdutil

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// run runs a plugin whose one verb, "do", registers its flags with add,
// and returns the exit code, stdout and stderr.
func run(t *testing.T, add func(cmd *cobra.Command), args ...string) (int, string, string) {
	t.Helper()
	streams, _, out, errOut := TestStreams(false)
	p := Plugin{Name: "test", Build: func(root *cobra.Command, _ genericiooptions.IOStreams) {
		cmd := &cobra.Command{Use: "do", RunE: func(*cobra.Command, []string) error { return nil }}
		add(cmd)
		root.AddCommand(cmd)
	}}
	code := Run(p, streams, append([]string{"do"}, args...))
	return code, out.String(), errOut.String()
}

func TestDryRunValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want DryRun
	}{
		{nil, ""},
		{[]string{"--dry-run"}, DryRunClient},
		{[]string{"--dry-run=client"}, DryRunClient},
		{[]string{"--dry-run=server"}, DryRunServer},
		{[]string{"--dry-run=none"}, DryRunNone},
	} {
		var d DryRun
		code, _, stderr := run(t, func(cmd *cobra.Command) { AddDryRunFlag(cmd, &d, "") }, tc.args...)
		if code != base.ExitOK || d != tc.want {
			t.Errorf("%v: exit %d, dry run %q, want %q (%s)", tc.args, code, d, tc.want, stderr)
		}
	}
	if d := DryRun(""); d.Any() || d.Client() || d.Server() {
		t.Error("the zero DryRun is a dry run")
	}
}

// A bad value is a usage error (exit 2) in the flag's own words.
func TestDryRunRefusesOtherValues(t *testing.T) {
	var d DryRun
	code, _, stderr := run(t, func(cmd *cobra.Command) { AddDryRunFlag(cmd, &d, "") }, "--dry-run=maybe")
	want := `error: --dry-run must be none, client or server, not "maybe"` + "\n"
	if code != base.ExitUsage || !strings.HasPrefix(stderr, want) {
		t.Errorf("exit %d, stderr %q, want exit 2 and %q", code, stderr, want)
	}
}

// A dry run no API server can check takes client, and refuses server in
// one line that says why.
func TestLocalDryRunRefusesServer(t *testing.T) {
	var d DryRun
	add := func(cmd *cobra.Command) {
		AddLocalDryRunFlag(cmd, &d, "Print it", "nothing here reaches an API server")
	}
	if code, _, _ := run(t, add, "--dry-run"); code != base.ExitOK || d != DryRunClient {
		t.Errorf("bare --dry-run: exit %d, %q", code, d)
	}
	code, _, stderr := run(t, add, "--dry-run=server")
	want := "error: --dry-run=server: nothing here reaches an API server; use --dry-run (client)\n"
	if code != base.ExitUsage || stderr != want {
		t.Errorf("exit %d, stderr %q, want exit 2 and %q", code, stderr, want)
	}
	if code, _, stderr := run(t, add, "--dry-run=x"); code != base.ExitUsage || !strings.Contains(stderr, "must be none or client") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestDryRunFlagShape(t *testing.T) {
	var d DryRun
	cmd := &cobra.Command{Use: "do"}
	AddDryRunFlag(cmd, &d, "")
	f := cmd.Flags().Lookup("dry-run")
	if f.NoOptDefVal != "client" || f.DefValue != "none" {
		t.Errorf("NoOptDefVal %q, DefValue %q", f.NoOptDefVal, f.DefValue)
	}
	if got := complete(t, cmd, "dry-run"); !slices.Equal(got, []string{"none", "client", "server"}) {
		t.Errorf("completion %v", got)
	}
}

func complete(t *testing.T, cmd *cobra.Command, flag string) []string {
	t.Helper()
	fn, ok := cmd.GetFlagCompletionFunc(flag)
	if !ok {
		t.Fatalf("--%s has no completion", flag)
	}
	values, directive := fn(cmd, nil, "")
	if directive != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("--%s completes files too", flag)
	}
	return values
}

func TestEnumCompletesAndRefuses(t *testing.T) {
	by := "node"
	add := func(cmd *cobra.Command) { EnumVar(cmd, &by, "by", []string{"node", "namespace"}, "Rows by.") }
	cmd := &cobra.Command{Use: "do"}
	add(cmd)
	if got := complete(t, cmd, "by"); !slices.Equal(got, []string{"node", "namespace"}) {
		t.Errorf("completion %v", got)
	}
	if f := cmd.Flags().Lookup("by"); f.DefValue != "node" || f.Value.Type() != "string" {
		t.Errorf("default %q, type %q", f.DefValue, f.Value.Type())
	}
	if code, _, _ := run(t, add, "--by", "namespace"); code != base.ExitOK || by != "namespace" {
		t.Errorf("exit %d, --by %q", code, by)
	}
	code, _, stderr := run(t, add, "--by", "pod")
	if code != base.ExitUsage || !strings.HasPrefix(stderr, `error: --by must be node or namespace, not "pod"`+"\n") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if got := Alternatives([]string{"a", "b", "c"}); got != "a, b or c" {
		t.Errorf("Alternatives: %q", got)
	}
}

// An old flag name sets the same value, is hidden, and its notice goes to
// stderr: stdout stays the command's data.
func TestAliasFlag(t *testing.T) {
	var d time.Duration
	add := func(cmd *cobra.Command) {
		cmd.Flags().DurationVar(&d, "target-timeout", time.Minute, "Per target.")
		AliasFlag(cmd, "context-timeout", "target-timeout")
	}
	code, stdout, stderr := run(t, add, "--context-timeout", "5s")
	if code != base.ExitOK || d != 5*time.Second {
		t.Fatalf("exit %d, timeout %s", code, d)
	}
	if stdout != "" || !strings.Contains(stderr, "--context-timeout has been deprecated, use --target-timeout instead") {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
	cmd := &cobra.Command{Use: "do"}
	add(cmd)
	if f := cmd.Flags().Lookup("context-timeout"); !f.Hidden || f.Deprecated == "" {
		t.Errorf("--context-timeout: hidden %v, deprecated %q", f.Hidden, f.Deprecated)
	}
}

func TestWaitDefaults(t *testing.T) {
	for _, tc := range []struct {
		tty, onTerminal bool
		dry             DryRun
		args            []string
		want            bool
	}{
		{true, true, "", nil, true},
		{false, true, "", nil, false},
		{true, true, DryRunClient, nil, false},
		{true, false, "", nil, false},
		{false, true, "", []string{"--wait"}, true},
		{true, true, "", []string{"--wait=false"}, false},
	} {
		streams, _, _, _ := TestStreams(tc.tty)
		w := WaitFlags{Timeout: time.Minute, OnTerminal: tc.onTerminal}
		cmd := &cobra.Command{Use: "do"}
		w.AddFlags(cmd, "Wait until done")
		if err := cmd.ParseFlags(tc.args); err != nil {
			t.Fatal(err)
		}
		w.Complete(cmd, streams.ErrOut, tc.dry)
		if w.Wait != tc.want {
			t.Errorf("tty %v, on terminal %v, dry run %q, %v: wait %v", tc.tty, tc.onTerminal, tc.dry, tc.args, w.Wait)
		}
	}
	// A verb that waits unless told otherwise does not wait on a dry run.
	w := WaitFlags{Wait: true}
	cmd := &cobra.Command{Use: "do"}
	w.AddWaitFlag(cmd, "Wait")
	w.Complete(cmd, nil, DryRunServer)
	if w.Wait {
		t.Error("a dry run waits")
	}
	if u := cmd.Flags().Lookup("wait").Usage; u != "Wait." {
		t.Errorf("usage %q", u)
	}
}

func TestWaitValidate(t *testing.T) {
	var usage *UsageError
	if err := (&WaitFlags{Wait: true}).Validate(DryRunServer); !errors.As(err, &usage) {
		t.Errorf("--wait with --dry-run: %v", err)
	}
	if err := (&WaitFlags{Timeout: -time.Second}).Validate(""); !errors.As(err, &usage) || err.Error() != "--timeout cannot be negative" {
		t.Errorf("negative --timeout: %v", err)
	}
	if err := (&WaitFlags{Wait: true}).Validate(DryRunNone); err != nil {
		t.Errorf("--wait: %v", err)
	}
}
