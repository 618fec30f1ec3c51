// Package harness drives the real plugin binaries through the real kubectl
// against a real local control plane, as a user types them. Modelled on
// krew's integration harness: a temp HOME and PATH per test, fluent calls.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

// Suite is one control plane shared by a test package (see Main).
type Suite struct {
	Root    string // repository root
	Env     testenv.Env
	CP      *localcp.ControlPlane
	BinDir  string // the plugin binaries
	Kubectl string // real kubectl
	Dyn     dynamic.Interface
}

var nsCounter struct {
	sync.Mutex
	n int
}

// Main starts a seeded control plane for the package, runs the tests and
// stops it. Use from TestMain: os.Exit(harness.Main(m, &suite, opts)).
func Main(m *testing.M, s *Suite, opts testenv.Options) int {
	return testenv.RunTests(m, opts, 3*time.Minute, func(r testenv.Running) error {
		binDir, err := pluginBinaries(r.Root, r.Dir)
		if err != nil {
			return err
		}
		*s = Suite{Root: r.Root, Env: r.Env, CP: r.CP, BinDir: binDir, Kubectl: r.Env.Binaries().Kubectl, Dyn: r.Dyn}
		return nil
	})
}

// pluginBinaries returns TKO_BIN_DIR (set by make) or builds the plugins.
func pluginBinaries(root, tmp string) (string, error) {
	if dir := os.Getenv("TKO_BIN_DIR"); dir != "" {
		return dir, nil
	}
	dir := filepath.Join(tmp, "bin")
	cmd := exec.Command("go", "build", "-o", dir+"/", "./plugins/...")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building plugins: %w\n%s", err, out)
	}
	return dir, nil
}

// Env is one test's environment: its own HOME, PATH and kubeconfig.
type Env struct {
	t          *testing.T
	s          *Suite
	Home       string
	Kubeconfig string
	path       []string
	extraEnv   []string
}

// New prepares a test environment with the plugins and kubectl on PATH.
func (s *Suite) New(t *testing.T) *Env {
	t.Helper()
	home := t.TempDir()
	kubeconfig := filepath.Join(home, ".kube", "config")
	if err := os.MkdirAll(filepath.Dir(kubeconfig), 0o700); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(s.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kubeconfig, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	kubectlDir := filepath.Join(home, "kubectl-bin")
	if err := os.MkdirAll(kubectlDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(s.Kubectl, filepath.Join(kubectlDir, "kubectl")); err != nil {
		t.Fatal(err)
	}
	return &Env{t: t, s: s, Home: home, Kubeconfig: kubeconfig, path: []string{s.BinDir, kubectlDir, "/usr/bin", "/bin"}}
}

// WithPath replaces the plugin directories on PATH (kubectl stays).
func (e *Env) WithPath(dirs ...string) *Env {
	e.path = append(dirs, filepath.Join(e.Home, "kubectl-bin"), "/usr/bin", "/bin")
	return e
}

// Setenv adds an environment variable to every command of this Env.
func (e *Env) Setenv(k, v string) *Env {
	e.extraEnv = append(e.extraEnv, k+"="+v)
	return e
}

// Namespace creates a namespace for this test, deleted when it ends.
func (e *Env) Namespace() string {
	e.t.Helper()
	nsCounter.Lock()
	nsCounter.n++
	name := fmt.Sprintf("t%d-%s", nsCounter.n, strings.ToLower(sanitize(e.t.Name())))
	nsCounter.Unlock()
	if len(name) > 60 {
		name = strings.TrimRight(name[:60], "-")
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}}
	gvr := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	if _, err := e.s.Dyn.Resource(gvr).Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
		e.t.Fatalf("creating namespace %s: %v", name, err)
	}
	e.t.Cleanup(func() {
		_ = e.s.Dyn.Resource(gvr).Delete(context.Background(), name, metav1.DeleteOptions{})
	})
	return name
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}

// Create creates a typed or unstructured object as admin.
func (e *Env) Create(gvr schema.GroupVersionResource, namespace string, obj runtime.Object) *unstructured.Unstructured {
	e.t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.s.Dyn.Resource(gvr).Namespace(namespace).Create(context.Background(), &unstructured.Unstructured{Object: m}, metav1.CreateOptions{})
	if err != nil {
		e.t.Fatalf("creating %s: %v", gvr.Resource, err)
	}
	return u
}

// Dyn is an admin dynamic client.
func (e *Env) Dyn() dynamic.Interface { return e.s.Dyn }

// Kubectl prepares a real kubectl command: e.Kubectl("tko", "cluster", "list").
func (e *Env) Kubectl(args ...string) *Cmd {
	return e.Command(e.s.Kubectl, args...)
}

// Plugin prepares a direct call of a plugin binary: e.Plugin("kubectl-tko-cluster", "list").
func (e *Env) Plugin(binary string, args ...string) *Cmd {
	return e.Command(filepath.Join(e.s.BinDir, binary), args...)
}

// Command prepares any command in this environment.
func (e *Env) Command(name string, args ...string) *Cmd {
	env := []string{
		"HOME=" + e.Home,
		"KUBECONFIG=" + e.Kubeconfig,
		"PATH=" + strings.Join(e.path, string(os.PathListSeparator)),
		"KUBECACHEDIR=" + filepath.Join(e.Home, ".kube", "cache"),
	}
	env = append(env, e.extraEnv...)
	return &Cmd{t: e.t, name: name, args: args, env: env, timeout: 2 * time.Minute}
}

// Cmd is a command to run.
type Cmd struct {
	t       *testing.T
	name    string
	args    []string
	env     []string
	stdin   string
	timeout time.Duration
	trigger *trigger
}

// Stdin feeds the command's standard input.
func (c *Cmd) Stdin(s string) *Cmd { c.stdin = s; return c }

// Env adds KEY=VALUE to the command's environment.
func (c *Cmd) Env(kv string) *Cmd { c.env = append(c.env, kv); return c }

// Timeout bounds the command (the test fails when it runs out).
func (c *Cmd) Timeout(d time.Duration) *Cmd { c.timeout = d; return c }

// Result is a finished command.
type Result struct {
	t      *testing.T
	line   string
	Stdout string
	Stderr string
	Code   int
}

// Line is the command as run, for messages.
func (r *Result) Line() string { return r.line }

// Run runs the command to completion.
func (c *Cmd) Run() *Result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.name, c.args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(c.stdin)
	out := &watchedOutput{seen: make(chan struct{})}
	if c.trigger != nil {
		out.on = c.trigger.on
	}
	cmd.Stdout, cmd.Stderr = out.stream(&out.stdout), out.stream(&out.stderr)
	if err := cmd.Start(); err != nil {
		c.t.Fatalf("starting %s: %v", c.name, err)
	}
	if c.trigger != nil {
		stop := c.trigger.start(cmd.Process, out.seen)
		defer stop()
	}
	err := cmd.Wait()
	stdout, stderr := out.strings()
	r := &Result{t: c.t, line: filepath.Base(c.name) + " " + strings.Join(c.args, " "), Stdout: stdout, Stderr: stderr}
	if ctx.Err() != nil {
		c.t.Fatalf("%s: did not finish within %s\nstdout:\n%s\nstderr:\n%s", r.line, c.timeout, r.Stdout, r.Stderr)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		r.Code = exit.ExitCode()
	} else if err != nil {
		c.t.Fatalf("%s: %v", r.line, err)
	}
	return r
}

func (r *Result) fail(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s: %s\nexit code: %d\nstdout:\n%s\nstderr:\n%s", r.line, fmt.Sprintf(format, args...), r.Code, r.Stdout, r.Stderr)
}

// ExitCode asserts the exit code.
func (r *Result) ExitCode(want int) *Result {
	r.t.Helper()
	if r.Code != want {
		r.fail("exit code %d, want %d", r.Code, want)
	}
	return r
}

// Success asserts exit code 0.
func (r *Result) Success() *Result { r.t.Helper(); return r.ExitCode(0) }

// StdoutContains asserts that stdout holds every string.
func (r *Result) StdoutContains(subs ...string) *Result {
	r.t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.Stdout, s) {
			r.fail("stdout does not contain %q", s)
		}
	}
	return r
}

// StdoutLacks asserts that stdout holds none of the strings.
func (r *Result) StdoutLacks(subs ...string) *Result {
	r.t.Helper()
	for _, s := range subs {
		if strings.Contains(r.Stdout, s) {
			r.fail("stdout contains %q", s)
		}
	}
	return r
}

// StderrContains asserts that stderr holds every string.
func (r *Result) StderrContains(subs ...string) *Result {
	r.t.Helper()
	for _, s := range subs {
		if !strings.Contains(r.Stderr, s) {
			r.fail("stderr does not contain %q", s)
		}
	}
	return r
}

// OneLineError asserts that stderr is exactly one "error: ..." line that
// contains every string: no usage text, no stack trace, no log noise.
func (r *Result) OneLineError(subs ...string) *Result {
	r.t.Helper()
	lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") {
		r.fail("stderr is not one error line")
	}
	return r.StderrContains(subs...)
}

// ProblemReport asserts the report of a refused input: one "error:" line
// holding the summary, then one indented line per problem, each problem
// found on a line of its own, and nothing else (no usage, no stack trace).
func (r *Result) ProblemReport(summary string, problems ...string) *Result {
	r.t.Helper()
	lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "error: ") || !strings.Contains(lines[0], summary) {
		r.fail("the first stderr line is not the error summary %q", summary)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "  ") {
			r.fail("stderr line %q is not an indented problem", l)
		}
	}
	if len(lines)-1 != len(problems) {
		r.fail("want %d problem lines, got %d", len(problems), len(lines)-1)
	}
	for _, p := range problems {
		found := false
		for _, l := range lines[1:] {
			found = found || strings.Contains(l, p)
		}
		if !found {
			r.fail("no problem line holds %q", p)
		}
	}
	return r
}

// StdoutLines returns the non-empty lines of stdout.
func (r *Result) StdoutLines() []string {
	var out []string
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// Secret is a helper to build a typed Secret for Create.
func Secret(name string, data map[string]string) *corev1.Secret {
	return &corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: metav1.ObjectMeta{Name: name}, StringData: data}
}

// Success runs the command and asserts exit code 0.
func (c *Cmd) Success() *Result { c.t.Helper(); return c.Run().Success() }

// ExitCode runs the command and asserts its exit code.
func (c *Cmd) ExitCode(want int) *Result { c.t.Helper(); return c.Run().ExitCode(want) }

// WorkloadAPIServer starts a bare kube-apiserver and etcd of their own, for
// a workload cluster whose health must not be the suite's (which holds the
// seed's failing packages), and returns its admin kubeconfig. It stops
// with the test.
func (s *Suite) WorkloadAPIServer(t *testing.T) []byte {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	wl, err := localcp.Start(ctx, localcp.Options{Dir: t.TempDir(), Binaries: s.Env.Binaries(), NoControllerManager: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wl.Stop)
	kubeconfig, err := clientcmd.Write(*wl.KubeconfigFor())
	if err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}
