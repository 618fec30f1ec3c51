package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKrewInstall installs the umbrella and tko-cluster with the real krew
// (v0.4.4) from freshly built release archives and the manifests generated
// with them, then uses them through real kubectl.
func TestKrewInstall(t *testing.T) {
	krewBin := suite.Env["TKO_KREW"]
	if _, err := os.Stat(krewBin); err != nil {
		t.Fatalf("krew is not built (%v): run 'make test', which builds it", err)
	}
	dist := t.TempDir()
	build := exec.Command("go", "run", "./hack/release", "--version", "v0.9.0", "--out", dist, "--platforms", "linux/amd64", "--plugins", "tko,tko-cluster")
	build.Dir = suite.Root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building release archives: %v\n%s", err, out)
	}
	e := suite.New(t)
	root := filepath.Join(e.Home, "krew")
	krewDir := filepath.Join(e.Home, "krew-cmd")
	if err := os.MkdirAll(krewDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(krewBin, filepath.Join(krewDir, "kubectl-krew")); err != nil {
		t.Fatal(err)
	}
	// krew's list and uninstall need a plugin index; with no network, a local
	// git repository stands in for the default one (as krew's own tests do).
	index := filepath.Join(root, "index", "default")
	if err := os.MkdirAll(filepath.Join(index, "plugins"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("git", "init", "-q", index).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	// Only krew's bin directory and krew itself: the plugins come from krew.
	e.WithPath(filepath.Join(root, "bin"), krewDir).Setenv("KREW_ROOT", root)
	for _, p := range []string{"tko", "tko-cluster"} {
		arch := filepath.Join(dist, map[string]string{"tko": "kubectl-tko", "tko-cluster": "kubectl-tko-cluster"}[p]+"_v0.9.0_linux_amd64.tar.gz")
		e.Kubectl("krew", "install", "--manifest="+filepath.Join(dist, "krew-manifests", p+".yaml"), "--archive="+arch).Success()
	}
	if _, err := os.Lstat(filepath.Join(root, "bin", "kubectl-tko_cluster")); err != nil {
		t.Fatalf("krew did not link kubectl-tko_cluster: %v", err)
	}
	e.Kubectl("tko", "cluster", "list", "-A").Success().StdoutContains("wc-prod-1", "Available")
	e.Kubectl("tko-cluster", "list", "-n", "team-a").Success().StdoutContains("wc-team-a")
	e.Kubectl("tko", "cluster", "version").Success().StdoutContains("v0.9.0")
	e.Kubectl("krew", "list").Success().StdoutContains("tko-cluster")
	e.Kubectl("krew", "uninstall", "tko-cluster").Success()
	r := e.Kubectl("tko", "cluster", "list").Run()
	if r.Code == 0 || !strings.Contains(r.Stderr, `plugin "cluster" not found`) {
		t.Errorf("after uninstall: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestCompletionThroughKubectl drives real kubectl's plugin completion
// (kubectl __complete), which runs the kubectl_complete-* helpers.
func TestCompletionThroughKubectl(t *testing.T) {
	helpers := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(suite.Root, "hack", "completers.sh"), helpers)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	e := suite.New(t)
	e.WithPath(suite.BinDir, helpers)
	r := e.Kubectl("__complete", "tko", "cluster", "describe", "wc-").Success()
	r.StdoutContains("wc-prod-1\n", "wc-dev-1\n", ":4\n")
	e.Kubectl("__complete", "tko", "cluster", "describe", "-n", "team-a", "").Success().StdoutContains("wc-team-a\n", "wc-failed\n")
	e.Kubectl("__complete", "tko", "cl").Success().StdoutContains("cluster\n")
	e.Kubectl("__complete", "tko", "cluster", "get", "--context", "").Success().StdoutContains("tko-local\n", "tko-local-viewer\n")
	e.Kubectl("__complete", "tko", "cluster", "list", "-n", "tea").Success().StdoutContains("team-a\n")
	// krew's names complete through kubectl_complete-tko_cluster.
	e2 := suite.New(t).WithPath(krewLayout(t), helpers)
	e2.Kubectl("__complete", "tko-cluster", "describe", "wc-p").Success().StdoutContains("wc-prod-1\n")
	// A slow or unreachable server never hangs the prompt and prints nothing odd.
	e.Kubectl("__complete", "tko", "cluster", "describe", "--server", "https://127.0.0.1:1", "").Success()
}
