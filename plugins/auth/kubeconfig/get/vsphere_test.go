package get_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/vsphere"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// TestKubeconfigGetTKC writes the kubeconfig of a TanzuKubernetesCluster
// from the Supervisor session of a vSphere context: the session is
// exchanged for the guest cluster's without the password.
func TestKubeconfigGetTKC(t *testing.T) {
	env := authtest.NewSupervisor(t)
	env.API.Add(authtest.TKC("team-a", "tkc-1"))
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	login := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{common.PasswordEnv: authtest.VPassword}}
	if r := login.Run(t, "login", "--vsphere", "--server", env.Server, "-u", authtest.VUser, "--insecure-skip-tls-verify"); r.Code != 0 {
		t.Fatalf("login: %s", r)
	}
	cmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{common.PasswordEnv: ""}}

	r := cmd.Run(t, "kubeconfig", "get", "tkc-1", "--context", "team-a", "-v=10")
	for _, want := range []string{"server: https://10.0.0.9:6443", "certificate-authority-data: ", "current-context: tkc-1",
		"--tanzu-kubernetes-cluster-namespace=team-a", "--tanzu-kubernetes-cluster-name=tkc-1", "--vsphere-username=" + authtest.VUser} {
		if r.Code != 0 || !strings.Contains(r.Stdout, want) {
			t.Fatalf("want %q: %s", want, r)
		}
	}
	if strings.Contains(r.Stdout+r.Stderr, authtest.SessionJWT(env.Exp)) || strings.Contains(r.Stdout+r.Stderr, authtest.VPassword) {
		t.Fatalf("a secret was shown: %s", r)
	}
	store := &vsphere.Store{Path: filepath.Join(home, ".config", "tko", vsphere.SessionsFile)}
	if s, err := store.Get(env.Server, authtest.VUser, &vsphere.Guest{Namespace: "team-a", Name: "tkc-1"}); err != nil || s == nil || s.GuestServer != "10.0.0.9" {
		t.Fatalf("the guest session was not cached: %+v %v", s, err)
	}

	// Into a file, 0600; the Supervisor's own context without CLUSTER.
	out := filepath.Join(home, "tkc-1.yaml")
	if r := cmd.Run(t, "kubeconfig", "get", "tkc-1", "-n", "team-a", "--export-file", out); r.Code != 0 || !strings.Contains(r.Stderr, "wrote the kubeconfig of tkc-1") {
		t.Fatalf("export: %s", r)
	}
	if info, err := os.Stat(out); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v", out, info, err)
	}
	if r := cmd.Run(t, "kubeconfig", "get"); r.Code != 0 || !strings.Contains(r.Stdout, "current-context: "+env.Server) || strings.Contains(r.Stdout, "tanzu-kubernetes-cluster-name") {
		t.Fatalf("supervisor: %s", r)
	}

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no such cluster", []string{"tkc-9", "-n", "team-a"}, 3, `TanzuKubernetesCluster "tkc-9" not found in vSphere namespace "team-a"`},
		{"a Pinniped flag", []string{"tkc-1", "-n", "team-a", "--issuer", "https://issuer.example.com"}, 2, "--issuer shape a Pinniped login"},
	} {
		r := cmd.Run(t, append([]string{"kubeconfig", "get"}, tc.args...)...)
		if r.Code != tc.code || !strings.Contains(r.Stderr, tc.want) || r.Stdout != "" {
			t.Errorf("%s: %s", tc.name, r)
		}
	}

	// A vCenter that refuses the session at /wcp/login: the password is
	// needed, and taken from the environment.
	env.BasicOnly = true
	if r := cmd.Run(t, "kubeconfig", "get", "tkc-1", "-n", "team-a"); r.Code != 2 || r.Stdout != "" || !strings.Contains(r.Stderr, "set KUBECTL_VSPHERE_PASSWORD") {
		t.Fatalf("refused exchange, no password: %s", r)
	}
	withPassword := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{common.PasswordEnv: authtest.VPassword}}
	if r := withPassword.Run(t, "kubeconfig", "get", "tkc-1", "-n", "team-a"); r.Code != 0 || !strings.Contains(r.Stdout, "server: https://10.0.0.9:6443") {
		t.Fatalf("refused exchange, password: %s", r)
	}
	env.BasicOnly = false

	// Logged out, with nobody to ask for the password: one line, exit 6.
	if r := cmd.Run(t, "logout", "--vsphere"); r.Code != 0 {
		t.Fatalf("logout: %s", r)
	}
	r = cmd.Run(t, "kubeconfig", "get", "tkc-1", "-n", "team-a")
	if r.Code != 6 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 ||
		!strings.Contains(r.Stderr, "log in again: kubectl tko auth login --vsphere --server "+env.Server+" --vsphere-username "+authtest.VUser+" --tanzu-kubernetes-cluster-namespace team-a --tanzu-kubernetes-cluster-name tkc-1") {
		t.Fatalf("no session: %s", r)
	}
}
