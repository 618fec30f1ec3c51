package auth

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
	"k8s.io/client-go/tools/clientcmd"
)

// TestLDAPLoginThroughDex logs in as an LDAP user in the password flow:
// real kubectl runs `kubectl tko auth login` from a kubeconfig of `auth
// kubeconfig get`, Dex checks the password by binding to a real slapd.
// A wrong password, a user outside the group filter and a directory that
// is down each end the login with one line and exit 6.
func TestLDAPLoginThroughDex(t *testing.T) {
	slapd := startSlapd(t, ldapPort)
	e := suite.New(t)
	path := filepath.Join(e.Home, "ldap.yaml")
	e.Kubectl("tko", "auth", "kubeconfig", "get", "--issuer", ldapDex.Issuer, "--issuer-ca-bundle-data", base64.StdEncoding.EncodeToString(ldapDex.CAPEM),
		"--validate", "--upstream-identity-provider-flow", "cli_password", "--export-file", path).
		Success().StderrContains("discovery document valid with the given CA")
	// No --upstream-identity-provider-name: that selects a Pinniped
	// Supervisor's own CLI flow. Dex sends every password grant to the one
	// connector its configuration names (oauth2.passwordConnector: ldap).
	e.Kubeconfig = path
	e.Setenv("PINNIPED_USERNAME", "carol").Setenv("PINNIPED_PASSWORD", carolPassword)

	whoami := e.Kubectl("auth", "whoami").Success().StdoutContains("ldap:"+carolEmail, "tko-platform", "tko-developers")
	e.Kubectl("tko", "auth", "whoami").Success().StdoutContains("ldap:"+carolEmail, "tko-platform", "exec plugin kubectl tko auth login (issuer "+ldapDex.Issuer)
	noSecret(t, whoami, carolPassword)

	// Each failure is a fresh login (logout drops carol's cached session)
	// by the kubeconfig's exec plugin, run as client-go runs it, so that
	// its stderr is exactly what it printed.
	plugin := execPlugin(t, path)
	fresh := func(user, pass string) *harness.Result {
		t.Helper()
		e.Kubectl("tko", "auth", "logout").Success()
		r := e.Kubectl(plugin...).Env(execInfo).Env("PINNIPED_USERNAME=" + user).Env("PINNIPED_PASSWORD=" + pass).Run()
		noSecret(t, r, pass)
		return r
	}
	fresh("carol", "not-carols").ExitCode(6).OneLineError("refused", "check the username and password")
	// The user filter admits tko-platform members only: to Dex, dave is
	// not there, and his right password is refused like a wrong one.
	fresh("dave", davePassword).ExitCode(6).OneLineError("refused", "check the username and password")
	// With the directory down a cached credential still answers; a new
	// login cannot.
	e.Kubectl("auth", "whoami").Success().StdoutContains("ldap:" + carolEmail)
	slapd.Stop()
	e.Kubectl("auth", "whoami").Success().StdoutContains("ldap:" + carolEmail)
	// Dex keeps why to itself (its log has the dial error); the line names
	// the issuer that refused.
	fresh("carol", carolPassword).ExitCode(6).OneLineError("password grant at "+ldapDex.Issuer+" refused", "Could not login user")
}

// execPlugin is the kubectl arguments of the current user's exec plugin
// in the kubeconfig at path.
func execPlugin(t *testing.T, path string) []string {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if ctx == nil || cfg.AuthInfos[ctx.AuthInfo] == nil || cfg.AuthInfos[ctx.AuthInfo].Exec == nil {
		t.Fatalf("%s: the current context's user has no exec plugin", path)
	}
	exec := cfg.AuthInfos[ctx.AuthInfo].Exec
	if exec.Command != "kubectl" || len(exec.Args) < 3 || strings.Join(exec.Args[:3], " ") != "tko auth login" {
		t.Fatalf("%s: the exec plugin is %s %v, want kubectl tko auth login", path, exec.Command, exec.Args)
	}
	return exec.Args
}

// noSecret fails when the password shows in a command's output.
func noSecret(t *testing.T, r *harness.Result, password string) {
	t.Helper()
	if strings.Contains(r.Stdout+r.Stderr, password) {
		t.Fatalf("%s printed the password", r.Line())
	}
}
