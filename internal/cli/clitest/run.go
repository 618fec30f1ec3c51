package clitest

import (
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// Result is what a command left: its output and exit code, as explain
// words and maps its error.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Cmd runs a plugin in-process as its binary runs: cli.Run with a fresh
// Factory, on test streams.
type Cmd struct {
	Plugin cli.Plugin
	// Kubeconfig is $KUBECONFIG ("" for none: a command that connects
	// then finds no kubeconfig, exit 6).
	Kubeconfig string
	// TTY makes stdin, stdout and stderr terminals.
	TTY   bool
	Stdin string
	// Env sets more environment variables for the run.
	Env map[string]string
	// Home is $HOME (and the XDG directories under it); a fresh directory
	// when "", so no test reads or writes the user's caches.
	Home string
}

// Run runs the command with args and returns what it left.
func (c Cmd) Run(t testing.TB, args ...string) Result {
	t.Helper()
	home := c.Home
	if home == "" {
		home = t.TempDir()
	}
	t.Setenv("KUBECONFIG", c.Kubeconfig)
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	for k, v := range c.Env {
		t.Setenv(k, v)
	}
	streams, in, out, errOut := cmdutil.TestStreams(c.TTY)
	in.WriteString(c.Stdin)
	code := cli.Run(c.Plugin, cli.NewFactory(), streams, args)
	return Result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// Run runs a plugin's command against the server, off a terminal.
func (s *Server) Run(p cli.Plugin, args ...string) Result {
	s.t.Helper()
	return Cmd{Plugin: p, Kubeconfig: Kubeconfig(s.t, s)}.Run(s.t, args...)
}

// RunTTY runs a plugin's command against the server on a terminal.
func (s *Server) RunTTY(p cli.Plugin, args ...string) Result {
	s.t.Helper()
	return Cmd{Plugin: p, Kubeconfig: Kubeconfig(s.t, s), TTY: true}.Run(s.t, args...)
}

// Prepare runs a command as a test's set-up: it must succeed, and its
// requests are forgotten.
func (s *Server) Prepare(p cli.Plugin, args ...string) {
	s.t.Helper()
	if r := s.Run(p, args...); r.Code != 0 {
		s.t.Fatalf("clitest: set-up %v failed: exit %d\n%s", args, r.Code, r)
	}
	s.Forget()
}

// Config is a kubeconfig with a context for each server (named by its
// Context), the first one current; each user holds a bearer token.
func Config(servers ...*Server) *clientcmdapi.Config {
	cfg := clientcmdapi.NewConfig()
	for i, s := range servers {
		ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.http.Certificate().Raw})
		cfg.Clusters[s.Context] = &clientcmdapi.Cluster{Server: s.URL, CertificateAuthorityData: ca}
		cfg.AuthInfos[s.Context+"-admin"] = &clientcmdapi.AuthInfo{Token: "clitest-" + s.Context}
		cfg.Contexts[s.Context] = &clientcmdapi.Context{Cluster: s.Context, AuthInfo: s.Context + "-admin"}
		if i == 0 {
			cfg.CurrentContext = s.Context
		}
	}
	return cfg
}

// Kubeconfig writes Config(servers...) to a file of the test's (0600)
// and returns its path.
func Kubeconfig(t testing.TB, servers ...*Server) string {
	t.Helper()
	return WriteKubeconfig(t, Config(servers...))
}

// WriteKubeconfig writes cfg to a file of the test's (0600) and returns
// its path.
func WriteKubeconfig(t testing.TB, cfg *clientcmdapi.Config) string {
	t.Helper()
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatalf("clitest: %v", err)
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		t.Fatalf("clitest: %v", err)
	}
	return path
}

// AddWorkloadCluster gives cluster namespace/name of this management
// server the admin kubeconfig Secret Cluster API writes, pointing at wl:
// the fleet flags reach wl through it.
func (s *Server) AddWorkloadCluster(namespace, name string, wl *Server) {
	s.t.Helper()
	wl.Context = name
	raw, err := clientcmd.Write(*Config(wl))
	if err != nil {
		s.t.Fatalf("clitest: %v", err)
	}
	secret := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata": map[string]any{"name": name + "-kubeconfig", "namespace": namespace, "labels": map[string]any{"cluster.x-k8s.io/cluster-name": name}},
		"data":     map[string]any{"value": base64.StdEncoding.EncodeToString(raw)},
	}}
	s.Add(secret)
}

// Check fails the test unless the command exited with code and its
// standard output holds every one of want.
func (r Result) Check(t testing.TB, code int, want ...string) {
	t.Helper()
	r.check(t, code, "stdout", r.Stdout, want)
}

// CheckErr fails the test unless the command exited with code and its
// standard error holds every one of want.
func (r Result) CheckErr(t testing.TB, code int, want ...string) {
	t.Helper()
	r.check(t, code, "stderr", r.Stderr, want)
}

func (r Result) check(t testing.TB, code int, stream, got string, want []string) {
	t.Helper()
	if r.Code != code {
		t.Errorf("exit %d, want %d\n%s", r.Code, code, r)
		return
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q\n%s", stream, w, r)
		}
	}
}

func (r Result) String() string {
	return "--- stdout:\n" + r.Stdout + "--- stderr:\n" + r.Stderr + "---"
}

// NoRequests fails the test if the server saw any request: a refusal
// that comes before connecting.
func (s *Server) NoRequests(t testing.TB) {
	t.Helper()
	if reqs := s.Requests(); len(reqs) > 0 {
		t.Errorf("%d request(s) before the refusal, first %s", len(reqs), reqs[0])
	}
}

// NoChanges fails the test if a request may have changed something.
func (s *Server) NoChanges(t testing.TB) {
	t.Helper()
	if changes := s.Changes(); len(changes) > 0 {
		t.Errorf("%d change(s), first %s", len(changes), changes[0])
	}
}
