package e2e

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
)

// plugins are the names of `kubectl tko NAME`, from the one plugin list.
var plugins = func() []string {
	var names []string
	for _, p := range pluginlist.Subcommands() {
		names = append(names, p.Name)
	}
	return names
}()

// TestPluginsThroughKubectl: every plugin answers version and --help when
// reached through real kubectl, and --help needs no kubeconfig at all.
func TestPluginsThroughKubectl(t *testing.T) {
	e := suite.New(t).Setenv("KUBECONFIG", "/nonexistent/kubeconfig")
	for _, p := range plugins {
		r := e.Kubectl("tko", p, "version", "-o", "json").Success()
		var info struct{ Plugin, Version, Commit string }
		if err := json.Unmarshal([]byte(r.Stdout), &info); err != nil {
			t.Fatalf("%s version -o json: %v\n%s", p, err, r.Stdout)
		}
		if info.Plugin != "kubectl-tko-"+p || info.Version == "" {
			t.Errorf("%s version: got %+v", p, info)
		}
		if want := os.Getenv("TKO_EXPECT_VERSION"); want != "" && info.Version != want {
			t.Errorf("%s version %q, want the stamped %q", p, info.Version, want)
		}
		e.Kubectl("tko", p, "--help").Success().StdoutContains("kubectl tko "+p, "--kubeconfig", "--context", "--request-timeout", "--as")
	}
}

// krewLayout makes a directory holding the plugins under krew's names
// (kubectl-tko_cluster) plus the umbrella, as `kubectl krew install` does.
func krewLayout(t *testing.T) string {
	dir := t.TempDir()
	link := func(src, dst string) {
		if err := os.Symlink(filepath.Join(suite.BinDir, src), filepath.Join(dir, dst)); err != nil {
			t.Fatal(err)
		}
	}
	link("kubectl-tko", "kubectl-tko")
	for _, p := range plugins {
		link("kubectl-tko-"+p, "kubectl-tko_"+p)
	}
	return dir
}

func TestUmbrellaDispatchesToKrewNames(t *testing.T) {
	e := suite.New(t).WithPath(krewLayout(t))
	// kubectl finds only kubectl-tko for "tko cluster"; the umbrella forwards.
	e.Kubectl("tko", "cluster", "version").Success().StdoutContains("kubectl-tko-cluster")
	// kubectl maps "tko-cluster" to krew's kubectl-tko_cluster itself.
	e.Kubectl("tko-cluster", "version").Success().StdoutContains("kubectl-tko-cluster")
	// Output, exit codes and arguments pass through unchanged.
	e.Kubectl("tko", "cluster", "list", "-A", "--include-management-cluster").Success().StdoutContains("wc-prod-1", "tkg-mgmt")
	e.Kubectl("tko", "cluster", "get", "no-such-cluster").ExitCode(explain.ExitNotFound).OneLineError(`cluster "no-such-cluster" not found in namespace "default"`)
	e.Kubectl("tko", "cluster", "list", "--bogus").ExitCode(explain.ExitUsage).StderrContains("unknown flag: --bogus")
	e.Kubectl("tko", "nosuch").ExitCode(explain.ExitNotFound).OneLineError(`plugin "nosuch" not found`, "kubectl krew install tko-nosuch")

	// `kubectl tko` lists what is installed, with versions.
	r := e.Kubectl("tko").Success()
	for _, p := range plugins {
		r.StdoutContains(p)
	}
	// `version` is the umbrella's own; --plugins adds every plugin on PATH.
	r = e.Kubectl("tko", "version", "-o", "json").Success()
	if strings.Contains(r.Stdout, `"plugins"`) || !strings.Contains(r.Stdout, `"umbrella"`) {
		t.Errorf("version without --plugins: want the umbrella alone, got %s", r.Stdout)
	}
	r = e.Kubectl("tko", "version", "--plugins", "-o", "json").Success()
	var all struct {
		Umbrella struct{ Version string }
		Plugins  []struct {
			Name    string
			Path    string
			Version *struct{ Version string }
			Error   string
		}
	}
	if err := json.Unmarshal([]byte(r.Stdout), &all); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, r.Stdout)
	}
	if len(all.Plugins) != len(plugins) {
		t.Fatalf("version listed %d plugins, want %d: %s", len(all.Plugins), len(plugins), r.Stdout)
	}
	for _, p := range all.Plugins {
		if p.Version == nil || p.Version.Version != all.Umbrella.Version || !strings.Contains(p.Path, "kubectl-tko_") {
			t.Errorf("plugin %+v: want version %s from a krew-named binary", p, all.Umbrella.Version)
		}
	}
}

func TestUmbrellaWithDashedNames(t *testing.T) {
	e := suite.New(t)
	// kubectl runs kubectl-tko-cluster directly; stdin reaches it.
	e.Kubectl("tko", "cluster", "version").Success().StdoutContains("kubectl-tko-cluster")
	e.Kubectl("tko", "cluster", "list", "-A", "-o", "name").Success().StdoutContains("cluster.cluster.x-k8s.io/wc-prod-1")
}

// slowServer accepts connections and never answers: a hung API server.
func slowServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for _, c := range conns {
			c.Close()
		}
	})
	return "https://" + l.Addr().String()
}

func writeFile(t *testing.T, name, content string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// kubeconfigFor writes a kubeconfig with one context for server.
func kubeconfigFor(t *testing.T, server, caFile, token string) string {
	ca := ""
	if caFile != "" {
		ca = "    certificate-authority: " + caFile + "\n"
	}
	return writeFile(t, "kubeconfig", "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "+server+"\n"+ca+
		"users:\n- name: u\n  user:\n    token: "+token+"\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n")
}

// TestErrorClasses: each way a command can fail gives one line naming the
// cause and the fix, and its documented exit code.
func TestErrorClasses(t *testing.T) {
	list := func(args ...string) []string { return append([]string{"tko", "cluster", "list"}, args...) }

	t.Run("kubeconfig missing", func(t *testing.T) {
		e := suite.New(t)
		e.Kubectl(list("--kubeconfig", "/nonexistent/config")...).ExitCode(explain.ExitUnreachable).OneLineError("/nonexistent/config", "--kubeconfig")
		empty := suite.New(t).Setenv("KUBECONFIG", "")
		os.Remove(empty.Kubeconfig)
		empty.Kubectl(list()...).ExitCode(explain.ExitUnreachable).OneLineError("no kubeconfig found", "KUBECONFIG")
	})
	t.Run("kubeconfig invalid", func(t *testing.T) {
		e := suite.New(t)
		bad := writeFile(t, "config", "apiVersion: v1\nclusters: [unclosed\n")
		e.Kubectl(list("--kubeconfig", bad)...).ExitCode(explain.ExitUnreachable).OneLineError("kubeconfig cannot be read", "--kubeconfig")
	})
	t.Run("context not found", func(t *testing.T) {
		e := suite.New(t)
		e.Kubectl(list("--context", "nope")...).ExitCode(explain.ExitNotFound).OneLineError(`"nope"`, "kubectl config get-contexts")
	})
	t.Run("request timeout", func(t *testing.T) {
		e := suite.New(t)
		cfg := kubeconfigFor(t, slowServer(t), "", "x")
		e.Kubectl(list("--kubeconfig", cfg, "--request-timeout", "1s", "--insecure-skip-tls-verify")...).ExitCode(explain.ExitTimeout).OneLineError("did not answer in time", "--request-timeout")
	})
	t.Run("interrupted", func(t *testing.T) {
		e := suite.New(t)
		cfg := kubeconfigFor(t, slowServer(t), "", "x")
		e.Plugin("kubectl-tko-cluster", "list", "--kubeconfig", cfg, "--insecure-skip-tls-verify").
			SignalAfter(time.Second, syscall.SIGINT).Run().ExitCode(explain.ExitInterrupted).OneLineError("interrupted")
	})
	t.Run("TLS failure", func(t *testing.T) {
		e := suite.New(t)
		// A CA that did not sign the server's certificate.
		pem, err := localcp.NewCAPEM("some-other-ca")
		if err != nil {
			t.Fatal(err)
		}
		other := writeFile(t, "ca.crt", string(pem))
		cfg := kubeconfigFor(t, suite.CP.Server, other, "x")
		e.Kubectl(list("--kubeconfig", cfg)...).ExitCode(explain.ExitUnreachable).OneLineError("TLS verification", "unknown authority", "certificate-authority")
	})
	t.Run("unauthorized", func(t *testing.T) {
		e := suite.New(t)
		cfg := kubeconfigFor(t, suite.CP.Server, suite.CP.CAFile, "not-a-valid-token")
		e.Kubectl(list("--kubeconfig", cfg)...).ExitCode(explain.ExitUnreachable).OneLineError("401 Unauthorized", "log in again")
	})
	t.Run("forbidden", func(t *testing.T) {
		e := suite.New(t)
		e.Kubectl(list("--as", localcp.ViewerUser, "-n", "team-a")...).ExitCode(explain.ExitForbidden).
			OneLineError(`user "tko-viewer" may not list clusters.cluster.x-k8s.io in namespace "team-a"`, "kubectl auth can-i list clusters.cluster.x-k8s.io -n team-a")
		e.Kubectl(list("--context", localcp.ViewerContext, "-A")...).ExitCode(explain.ExitForbidden).OneLineError("may not list clusters.cluster.x-k8s.io at cluster scope")
	})
	t.Run("not found", func(t *testing.T) {
		e := suite.New(t)
		e.Kubectl("tko", "cluster", "get", "wc-nope", "-n", "team-a").ExitCode(explain.ExitNotFound).
			OneLineError(`cluster "wc-nope" not found in namespace "team-a"`, "kubectl tko cluster list -A")
	})
	t.Run("usage", func(t *testing.T) {
		e := suite.New(t)
		r := e.Kubectl(list("-o", "tablez")...).ExitCode(explain.ExitUsage)
		r.StderrContains(`unknown output format "tablez"`, "See 'kubectl tko cluster list --help' for usage.")
		e.Kubectl("tko", "cluster", "get").ExitCode(explain.ExitUsage).StderrContains("missing NAME")
	})

	t.Run("not served and unreachable", func(t *testing.T) {
		e := suite.New(t)
		// A plain Kubernetes cluster: no Cluster API. Then its API server stops.
		env, err := testenv.LoadEnv(suite.Root)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		bare, err := localcp.Start(ctx, localcp.Options{Dir: t.TempDir(), Binaries: env.Binaries(), NoControllerManager: true})
		if err != nil {
			t.Fatal(err)
		}
		defer bare.Stop()
		e.Kubectl(list("--kubeconfig", bare.Kubeconfig)...).ExitCode(explain.ExitNotFound).
			OneLineError("this cluster does not serve cluster.x-k8s.io: is it a TKG management cluster?")
		// No kapp-controller either: the package plugin says so before anything else.
		e.Kubectl("tko", "package", "install", "contour", "-p", "contour.tanzu.vmware.com", "--kubeconfig", bare.Kubeconfig).ExitCode(explain.ExitNotFound).
			OneLineError("this cluster does not serve packaging.carvel.dev: is kapp-controller installed?")
		// No AKO operator: the lb plugin says so.
		e.Kubectl("tko", "lb", "adc", "list", "--kubeconfig", bare.Kubeconfig).ExitCode(explain.ExitNotFound).
			OneLineError("this cluster has no AKO operator: is it a TKG management cluster with NSX ALB?")
		bare.StopAPIServer()
		e.Kubectl(list("--kubeconfig", bare.Kubeconfig)...).ExitCode(explain.ExitUnreachable).
			OneLineError("cannot reach the Kubernetes API server https://127.0.0.1:", "connection refused", "--context")
	})
}
