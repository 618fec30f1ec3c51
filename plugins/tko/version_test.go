package tko

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// fakePlugin puts a kubectl-tko-fake on a PATH of its own that records
// each run in a file next to it.
func fakePlugin(t *testing.T) (ran string) {
	dir := t.TempDir()
	ran = filepath.Join(dir, "ran")
	script := "#!/bin/sh\necho run >>" + ran + "\necho '{\"plugin\":\"kubectl-tko-fake\",\"version\":\"v9.9.9\"}'\n"
	if err := os.WriteFile(filepath.Join(dir, "kubectl-tko-fake"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	return ran
}

func TestVersionLeavesPATHAlone(t *testing.T) {
	ran := fakePlugin(t)
	streams, _, out, errOut := cmdutil.TestStreams(false)
	if code := cmdutil.Run(Plugin(), streams, []string{"version", "-o", "json"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if _, ok := got["umbrella"]; !ok || len(got) != 1 {
		t.Errorf("want the umbrella's version alone, got %s", out)
	}
	if _, err := os.Stat(ran); err == nil {
		t.Error("version started a plugin without --plugins")
	}
}

func TestVersionWithPlugins(t *testing.T) {
	ran := fakePlugin(t)
	streams, _, out, errOut := cmdutil.TestStreams(false)
	if code := cmdutil.Run(Plugin(), streams, []string{"version", "--plugins"}); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "tko\t") || !strings.HasPrefix(lines[2], "fake\tv9.9.9") {
		t.Errorf("want the header, tko and fake v9.9.9, got:\n%s", out)
	}
	if b, err := os.ReadFile(ran); err != nil || strings.Count(string(b), "run") != 1 {
		t.Errorf("the plugin ran %q times (%v), want once", b, err)
	}
}
