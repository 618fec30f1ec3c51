package reliability

import (
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// VSphereCommands are the commands that take a Supervisor's address
// instead of a kubeconfig: the connection faults of the matrix are
// played on --server here, with the password planted as the marker.
var VSphereCommands = [][]string{
	{"login", "--vsphere"},
	{"login", "--vsphere", "--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "tkc-1"},
}

// TestVSphereLoginFaults runs auth login --vsphere into every fault of a
// Supervisor's address, and into a played Supervisor (its login endpoints
// in the shapes of the vSphere with Tanzu notes, plugins/auth/authtest)
// that refuses the password or does not know the guest cluster. Each is
// one line with its exit code; the password, planted as the marker, is in
// no output at -v=10 and in no file, and nothing is written to the
// kubeconfig.
func TestVSphereLoginFaults(t *testing.T) {
	sup := authtest.NewSupervisor(t)
	sup.API.Add(authtest.TKC("team-a", "tkc-1"))

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { silent.Close() })
	notSupervisor := httptest.NewUnstartedServer(http.NotFoundHandler())
	notSupervisor.Config.ErrorLog = log.New(io.Discard, "", 0)
	notSupervisor.StartTLS()
	t.Cleanup(notSupervisor.Close)

	user := []string{"--vsphere-username", authtest.VUser}
	cases := []struct {
		name     string
		args     []string
		password string
		code     int
		says     string
	}{
		{"unreachable", []string{"--server", closedAddr, "--insecure-skip-tls-verify"}, marker, explain.ExitUnreachable, "cannot reach the Supervisor"},
		{"silent server", []string{"--server", silent.Addr().String(), "--insecure-skip-tls-verify", "--request-timeout", "1s"}, marker, explain.ExitTimeout, "did not answer in time"},
		{"wrong CA", []string{"--server", sup.Server}, marker, explain.ExitUnreachable, "TLS verification of the Supervisor"},
		{"not a Supervisor", []string{"--server", strings.TrimPrefix(notSupervisor.URL, "https://"), "--insecure-skip-tls-verify"}, marker, explain.ExitUnreachable, "is not a vSphere with Tanzu Supervisor"},
		{"wrong password", []string{"--server", sup.Server, "--insecure-skip-tls-verify"}, marker, explain.ExitUnreachable, "rejected the user name or password"},
		{"no password", []string{"--server", sup.Server, "--insecure-skip-tls-verify"}, "", explain.ExitUsage, "no password for the vSphere login"},
		{"unknown guest cluster", []string{"--server", sup.Server, "--insecure-skip-tls-verify", "--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "tkc-nope"},
			authtest.VPassword, explain.ExitNotFound, "tkc-nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := suite.New(t)
			before, err := os.ReadFile(e.Kubeconfig)
			if err != nil {
				t.Fatal(err)
			}
			bases := VSphereCommands
			if c.name == "unknown guest cluster" {
				bases = bases[:1] // the case names its own guest cluster
			}
			for _, base := range bases {
				args := append(append(append([]string{}, base...), user...), c.args...)
				// As a script sees it: one line. Then at -v=10, every
				// request logged: the password in none of it.
				for _, v := range [][]string{nil, {"-v=10"}} {
					cmd := e.Plugin("kubectl-tko-auth", append(append([]string{}, args...), v...)...)
					if c.password != "" {
						cmd.Env("KUBECTL_VSPHERE_PASSWORD=" + c.password)
					}
					r := cmd.Run()
					if v == nil {
						check(t, r, c.code, c.says)
					} else if r.Code != c.code {
						figure.failures.Add(1)
						t.Errorf("%s: exit %d at -v=10, %d without", r.Line(), r.Code, c.code)
					}
					noMarker(t, r, e.Home)
				}
			}
			after, err := os.ReadFile(e.Kubeconfig)
			if err != nil || string(after) != string(before) {
				figure.leakedObjects.Add(1)
				t.Errorf("a refused login changed the kubeconfig (%v)", err)
			}
		})
	}
}

// TestVSphereLoginSecrets logs in for real against the played Supervisor
// with the password planted as the marker, then runs every vSphere
// command at -v=10 and in every output format: the password is nowhere,
// the session's token is in no output, and the files holding it are 0600.
func TestVSphereLoginSecrets(t *testing.T) {
	sup := authtest.NewSupervisor(t)
	sup.API.Add(authtest.TKC("team-a", "tkc-1"))
	e := suite.New(t)
	// The played Supervisor takes its own password; the marker goes in as
	// a wrong one first, so it crosses every place a password goes.
	login := []string{"login", "--vsphere", "--server", sup.Server, "--vsphere-username", authtest.VUser, "--insecure-skip-tls-verify", "-v=10"}
	r := e.Plugin("kubectl-tko-auth", login...).Env("KUBECTL_VSPHERE_PASSWORD=" + marker).Run()
	figure.cases.Add(1)
	if r.Code != explain.ExitUnreachable || !strings.Contains(r.Stderr, "rejected the user name or password") {
		figure.failures.Add(1)
		t.Errorf("%s: exit %d\n%s", r.Line(), r.Code, r.Stderr)
	}
	noMarker(t, r, e.Home)
	r = e.Plugin("kubectl-tko-auth", login...).Env("KUBECTL_VSPHERE_PASSWORD=" + authtest.VPassword).Run()
	token := authtest.SessionJWT(sup.Exp)
	runs := []*harness.Result{r}
	for _, args := range [][]string{
		{"status", "--vsphere", "-v=10"}, {"status", "--vsphere", "-o", "json"}, {"status", "--vsphere", "-o", "yaml"},
		{"whoami", "--context", "team-a", "-v=10"}, {"whoami", "--context", "team-a", "-o", "json"},
		{"kubeconfig", "get", "tkc-1", "-n", "team-a", "--context", "team-a", "--export-file", filepath.Join(e.Home, "tkc-1.kubeconfig"), "-v=10"},
		{"logout", "--vsphere", "-v=10"},
	} {
		runs = append(runs, e.Plugin("kubectl-tko-auth", args...).Env("KUBECTL_VSPHERE_PASSWORD="+authtest.VPassword).Run())
	}
	for _, r := range runs {
		figure.cases.Add(1)
		if r.Code != 0 {
			figure.failures.Add(1)
			t.Errorf("%s: exit %d\n%s%s", r.Line(), r.Code, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stdout+r.Stderr, token) || strings.Contains(r.Stdout+r.Stderr, authtest.VPassword) {
			figure.leakedSecrets.Add(1)
			t.Errorf("%s printed the session token or the password", r.Line())
		}
		noMarker(t, r, e.Home)
	}
}

// noMarker fails when the marker is in the command's output or in any
// file under home, and when a file holding a token is not 0600.
func noMarker(t *testing.T, r *harness.Result, home string) {
	t.Helper()
	figure.cases.Add(1)
	if strings.Contains(r.Stdout+r.Stderr, marker) {
		figure.leakedSecrets.Add(1)
		t.Errorf("%s printed the password", r.Line())
	}
	_ = filepath.WalkDir(home, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&fs.ModeSymlink != 0 {
			return nil //nolint:nilerr // an unreadable entry holds nothing we wrote
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil //nolint:nilerr // as above
		}
		if strings.Contains(string(raw), marker) {
			figure.leakedSecrets.Add(1)
			t.Errorf("%s left the password in %s", r.Line(), p)
		}
		if info, err := d.Info(); err == nil && strings.Contains(string(raw), "session") && info.Mode().Perm()&0o077 != 0 {
			figure.failures.Add(1)
			t.Errorf("%s: %s is mode %v, want 0600", r.Line(), p, info.Mode().Perm())
		}
		return nil
	})
}
