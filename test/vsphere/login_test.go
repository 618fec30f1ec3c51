package vsphere

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	vs "github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

const teamA = "vsphere-team-a"

// newEnv is a user's machine with no kubeconfig yet, as before a first
// `kubectl vsphere login`, and the CA bundle the Supervisor's admins
// hand out (vCenter's and the API server's CA) in caFile.
func newEnv(t *testing.T) (e *harness.Env, caFile string) {
	t.Helper()
	prepare(t)
	e = suite.New(t)
	e.Kubeconfig = filepath.Join(e.Home, ".kube", "vsphere")
	cpCA, err := os.ReadFile(suite.CP.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(e.Home, "supervisor-ca.pem")
	if err := os.WriteFile(caFile, append(append([]byte{}, vcenter.CAPEM...), cpCA...), 0o600); err != nil {
		t.Fatal(err)
	}
	return e, caFile
}

// login is `kubectl tko auth login --vsphere` at the played Supervisor.
func login(e *harness.Env, args ...string) *harness.Cmd {
	base := []string{"tko", "auth", "login", "--vsphere", "--server", vcenter.Server, "--vsphere-username", devopsUser}
	return e.Kubectl(append(base, args...)...)
}

func withPassword(c *harness.Cmd) *harness.Cmd {
	return c.Env(common.PasswordEnv + "=" + devopsPassword)
}

// loginCommand is what the product tells the user to run to log in again.
func loginCommand(caFile string) string {
	return "log in again: kubectl tko auth login --vsphere --server " + vcenter.Server + " --vsphere-username " + devopsUser +
		" --certificate-authority " + caFile
}

func sessionsFile(e *harness.Env) string {
	return filepath.Join(e.Home, ".config", "tko", vs.SessionsFile)
}

// sessions are the cached sessions of e's user.
func sessions(t *testing.T, e *harness.Env) []vs.Session {
	t.Helper()
	store := &vs.Store{Path: sessionsFile(e)}
	list, err := store.List()
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func loadKubeconfig(t *testing.T, path string) (*clientcmdapi.Config, []byte) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, raw
}

// assertMode600 fails unless path exists with mode 0600.
func assertMode600(t *testing.T, path string) {
	t.Helper()
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want mode 0600", path, info, err)
	}
}

// A session used for many kubectl calls logs in once; RBAC of the real
// API server decides what its user may do; logout forgets it. Not
// parallel: it counts every /wcp/login the endpoint answers.
func TestLoginThenKubectlUsesOneSession(t *testing.T) {
	e, caFile := newEnv(t)
	before := vcenter.Logins()
	withPassword(login(e, "--certificate-authority", caFile)).Success().
		StdoutContains("Logged in to the Supervisor "+vcenter.Server+" as "+devopsUser, "   "+vcenter.Server+"\n", "   "+teamA+"\n",
			`Switched to context "`+vcenter.Server+`".`).
		StdoutLacks("vsphere-ns-1", "kube-system", devopsPassword)
	assertMode600(t, e.Kubeconfig)
	assertMode600(t, sessionsFile(e))
	cfg, raw := loadKubeconfig(t, e.Kubeconfig)
	cached := sessions(t, e)
	if len(cached) != 1 || cached[0].Server != vcenter.Server || cached[0].User != devopsUser || cached[0].Guest != nil {
		t.Fatalf("cached sessions: %d %+v", len(cached), cached)
	}
	for _, secret := range []string{"token", devopsPassword, cached[0].Token} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Fatalf("the kubeconfig holds %q:\n%s", secret[:min(len(secret), 12)], raw)
		}
	}
	cluster, ctx := cfg.Clusters[vcenter.Server], cfg.Contexts[teamA]
	if cluster == nil || cluster.Server != "https://"+vcenter.Addr+":6443" || ctx == nil || ctx.Namespace != teamA ||
		cfg.Contexts[vcenter.Server] == nil || len(cfg.Contexts) != 2 || cfg.CurrentContext != vcenter.Server {
		t.Fatalf("kubeconfig:\n%s", raw)
	}
	if user := cfg.AuthInfos[ctx.AuthInfo]; ctx.AuthInfo != "wcp:"+vcenter.Server+":"+devopsUser || user.Exec == nil || user.Token != "" {
		t.Fatalf("user %s of context %s:\n%s", ctx.AuthInfo, teamA, raw)
	}

	// kubectl runs the exec entry without the password: the cached session.
	for range 3 {
		e.Kubectl("--context", teamA, "get", "tanzukubernetesclusters").Success().StdoutContains("tkc-prod-1", "tkc-dev-1")
	}
	e.Kubectl("--context", teamA, "auth", "whoami").Success().StdoutContains(usernamePrefix + devopsUser)
	e.Kubectl("tko", "auth", "whoami", "--context", teamA).Success().StdoutContains(usernamePrefix+devopsUser,
		"exec plugin kubectl tko auth login (vSphere SSO user "+devopsUser+" at Supervisor "+vcenter.Server+"; session expires at ")
	e.Kubectl("--context", vcenter.Server, "get", "namespaces", teamA).Success()
	e.Kubectl("--context", teamA, "get", "tanzukubernetesclusters", "-n", "vsphere-ns-1").ExitCode(1).
		StderrContains(`User "` + usernamePrefix + devopsUser + `" cannot list resource "tanzukubernetesclusters"`)
	if n := vcenter.Logins() - before; n != 1 {
		t.Fatalf("/wcp/login was called %d times for one login and seven kubectl calls, want once", n)
	}

	e.Kubectl("tko", "auth", "logout", "--vsphere", "--server", vcenter.Server).Success().
		StdoutContains("forgot the vSphere session of server " + vcenter.Server + ", user " + devopsUser + ": expires at ")
	r := e.Kubectl("--context", teamA, "get", "tanzukubernetesclusters").ExitCode(1)
	ourLine(t, r, "error: there is no vSphere session of "+devopsUser+" at "+vcenter.Server+"; "+loginCommand(caFile))
	if n := vcenter.Logins() - before; n != 1 {
		t.Fatalf("/wcp/login was called %d times, want once: a forgotten session is not renewed without a password", n)
	}
}

// ourLine asserts that the error lines of the exec plugin in kubectl's
// stderr, beside kubectl's own words, are all want, whole. kubectl may run
// the plugin several times (each discovery retry), so the line may repeat.
func ourLine(t *testing.T, r *harness.Result, want string) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(r.Stderr, "\n") {
		if strings.HasPrefix(l, "error: ") {
			n++
			if l != want {
				t.Fatalf("%s: stderr line\n%s\nwant\n%s", r.Line(), l, want)
			}
		}
	}
	if n == 0 {
		t.Fatalf("%s: no error line of the plugin in stderr:\n%s", r.Line(), r.Stderr)
	}
}
