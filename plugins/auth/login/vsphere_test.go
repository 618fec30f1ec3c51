package login_test

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

func TestVSphereLogin(t *testing.T) {
	env := authtest.NewSupervisor(t)
	env.API.Add(authtest.TKC("team-a", "tkc-1"))
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	cmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{"KUBECTL_VSPHERE_PASSWORD": authtest.VPassword}}
	login := []string{"login", "--vsphere", "--server", env.Server, "-u", authtest.VUser, "--insecure-skip-tls-verify",
		"--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "tkc-1", "-v=10"}
	r := cmd.Run(t, login...)
	if r.Code != 0 || !strings.Contains(r.Stdout, "   team-a\n") || strings.Contains(r.Stdout, "team-b") || strings.Contains(r.Stdout, "vmware-system") ||
		!strings.Contains(r.Stdout, `Switched to context "tkc-1".`) {
		t.Fatalf("login: %s", r)
	}
	if strings.Contains(r.Stdout+r.Stderr, authtest.VPassword) || strings.Contains(r.Stdout+r.Stderr, authtest.SessionJWT(env.Exp)) {
		t.Fatalf("the password or token was shown: %s", r)
	}
	raw, _ := os.ReadFile(kubeconfig)
	if strings.Contains(string(raw), authtest.SessionJWT(env.Exp)) || strings.Contains(string(raw), authtest.VPassword) {
		t.Fatal("the kubeconfig holds a secret")
	}
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(env.Server)
	sup := cfg.Clusters[env.Server]
	guest := cfg.Clusters["10.0.0.9"]
	if cfg.CurrentContext != "tkc-1" || sup == nil || sup.Server != "https://"+host+":6443" || !sup.InsecureSkipTLSVerify ||
		guest == nil || guest.Server != "https://10.0.0.9:6443" || cfg.Contexts["team-a"].Namespace != "team-a" {
		t.Fatalf("kubeconfig:\n%s", raw)
	}
	exec := cfg.AuthInfos[cfg.Contexts["tkc-1"].AuthInfo].Exec
	if exec == nil || exec.Command != "kubectl" || !strings.Contains(strings.Join(exec.Args, " "), "tko auth login --vsphere --server="+env.Server+" --vsphere-username="+authtest.VUser+" --tanzu-kubernetes-cluster-namespace=team-a --tanzu-kubernetes-cluster-name=tkc-1 --insecure-skip-tls-verify") {
		t.Fatalf("exec %+v", exec)
	}
	for _, p := range []string{kubeconfig, filepath.Join(home, ".config", "tko", vsphere.SessionsFile)} {
		if info, err := os.Stat(p); err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v", p, info, err)
		}
	}

	// kubectl runs the exec entry: the cached session, no login.
	logins := env.Logins
	// The login above set the password in the environment for the rest of
	// the test (t.Setenv): the exec entry runs without it, as kubectl does.
	execCmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home,
		Env: map[string]string{common.PasswordEnv: "", "KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 0 || !strings.Contains(r.Stdout, `"token":"`+authtest.SessionJWT(env.Exp)+`"`) || !strings.Contains(r.Stdout, env.Exp.UTC().Format(time.RFC3339)) || env.Logins != logins {
		t.Fatalf("exec: %s (logins %d then %d)", r, logins, env.Logins)
	}

	// Logged out, with no password and no terminal: one line, exit 6.
	r = clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home}.Run(t, "logout", "--vsphere", "--server", env.Server)
	if r.Code != 0 || !strings.Contains(r.Stdout, "tkc-1") {
		t.Fatalf("logout: %s", r)
	}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 6 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "log in again: kubectl tko auth login --vsphere --server "+env.Server) {
		t.Fatalf("no session: %s", r)
	}
	// On a terminal it asks once and goes on.
	execCmd.TTY, execCmd.Stdin = true, authtest.VPassword+"\n"
	execCmd.Env = map[string]string{common.PasswordEnv: "", "KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":true}}`}
	r = execCmd.Run(t, exec.Args[2:]...)
	if r.Code != 0 || !strings.Contains(r.Stderr, "Password for "+authtest.VUser+": ") || strings.Contains(r.Stderr, authtest.VPassword) || !strings.Contains(r.Stdout, `"token":"`) {
		t.Fatalf("prompt: %s", r)
	}
}

func TestVSphereLoginRefusals(t *testing.T) {
	env := authtest.NewSupervisor(t)
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	run := func(env map[string]string, args ...string) clitest.Result {
		return clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: env}.Run(t, append([]string{"login", "--vsphere"}, args...)...)
	}
	good := map[string]string{"KUBECTL_VSPHERE_PASSWORD": authtest.VPassword}
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"no server", good, []string{"-u", authtest.VUser}, 2, "needs --server"},
		{"no user", good, []string{"--server", env.Server}, 2, "--vsphere-username"},
		{"half a guest", good, []string{"--server", env.Server, "-u", authtest.VUser, "--tanzu-kubernetes-cluster-name", "x"}, 2, "go together"},
		{"no password", map[string]string{"KUBECTL_VSPHERE_PASSWORD": ""}, []string{"--server", env.Server, "-u", authtest.VUser}, 2, "set KUBECTL_VSPHERE_PASSWORD"},
		{"wrong password", map[string]string{"KUBECTL_VSPHERE_PASSWORD": "nope"}, []string{"--server", env.Server, "-u", authtest.VUser, "--insecure-skip-tls-verify"}, 6, "the Supervisor rejected the user name or password"},
		{"untrusted", good, []string{"--server", env.Server, "-u", authtest.VUser}, 6, "--certificate-authority FILE, or --insecure-skip-tls-verify"},
		{"no such guest", good, []string{"--server", env.Server, "-u", authtest.VUser, "--insecure-skip-tls-verify", "--tanzu-kubernetes-cluster-namespace", "team-a", "--tanzu-kubernetes-cluster-name", "nope"}, 3, `TanzuKubernetesCluster "nope" not found`},
		{"not a supervisor", good, []string{"--server", strings.TrimPrefix(env.API.URL, "https://"), "-u", authtest.VUser, "--insecure-skip-tls-verify"}, 6, "is not a vSphere with Tanzu Supervisor"},
		{"unreachable", good, []string{"--server", "127.0.0.1:1", "-u", authtest.VUser, "--insecure-skip-tls-verify"}, 6, "cannot reach the Supervisor"},
	} {
		r := run(tc.env, tc.args...)
		lines := 1
		if strings.Contains(r.Stderr, "--help") {
			lines = 2 // a flag mistake points at --help
		}
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want) || strings.Count(r.Stderr, "\n") != lines {
			t.Errorf("%s: %s", tc.name, r)
		}
		if _, err := os.Stat(kubeconfig); err == nil {
			t.Fatalf("%s: the kubeconfig was written", tc.name)
		}
	}
}
