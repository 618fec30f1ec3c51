package whoami_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// TestWhoamiVSphere names the vSphere SSO login of a context written by
// `auth login --vsphere` and when its session expires, and says how to
// log in again when the Supervisor rejects the session.
func TestWhoamiVSphere(t *testing.T) {
	env := authtest.NewSupervisor(t)
	home := t.TempDir()
	kubeconfig := filepath.Join(home, "kubeconfig")
	login := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{common.PasswordEnv: authtest.VPassword}}
	if r := login.Run(t, "login", "--vsphere", "--server", env.Server, "-u", authtest.VUser, "--insecure-skip-tls-verify"); r.Code != 0 {
		t.Fatalf("login: %s", r)
	}
	// No kubectl here to run the exec entry: a stand-in of the same name
	// prints the session's token as our login would.
	cfg, err := clientcmd.LoadFromFile(kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	plugin := filepath.Join(home, "bin", "kubectl-tko-auth")
	if err := os.MkdirAll(filepath.Dir(plugin), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + authtest.SessionJWT(env.Exp) + "\"}}'\n"
	if err := os.WriteFile(plugin, []byte(script), 0o700); err != nil { //nolint:gosec // an executable the test runs
		t.Fatal(err)
	}
	for _, u := range cfg.AuthInfos {
		u.Exec.Command, u.Exec.Args = plugin, append([]string{"login"}, u.Exec.Args[3:]...)
	}
	if err := clientcmd.WriteToFile(*cfg, kubeconfig); err != nil {
		t.Fatal(err)
	}
	cmd := clitest.Cmd{Plugin: auth.Plugin(), Kubeconfig: kubeconfig, Home: home, Env: map[string]string{common.PasswordEnv: ""}}
	r := cmd.Run(t, "whoami", "--context", "team-a")
	want := "exec plugin kubectl tko auth login (vSphere SSO user " + authtest.VUser + " at Supervisor " + env.Server + "; session expires at " + env.Exp.UTC().Format(time.RFC3339) + ")"
	if r.Code != 0 || !strings.Contains(r.Stdout, want) || strings.Contains(r.Stdout, authtest.SessionJWT(env.Exp)) {
		t.Fatalf("want %q: %s", want, r)
	}

	env.API.React("create", "selfsubjectreviews", func(clitest.Request) (bool, any, error) {
		return true, nil, apierrors.NewUnauthorized("Unauthorized")
	})
	r = cmd.Run(t, "whoami", "--context", "team-a")
	if r.Code != 6 || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, "rejected the vSphere session of "+authtest.VUser) ||
		!strings.Contains(r.Stderr, "log in again: kubectl tko auth login --vsphere --server "+env.Server) {
		t.Fatalf("rejected: %s", r)
	}
}
