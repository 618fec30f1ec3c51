package auth

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

const execInfo = `KUBERNETES_EXEC_INFO={"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}`

// login runs the exec plugin as client-go would, without kubectl around it,
// so that its stderr is exactly what it printed.
func login(e *harness.Env, args ...string) *harness.Cmd {
	return loginTrusting(e, dex.CAPEM, args...)
}

// loginTrusting is login with another issuer CA.
func loginTrusting(e *harness.Env, ca []byte, args ...string) *harness.Cmd {
	base := []string{"login", "--issuer", dex.Issuer, "--client-id", clientID, "--scopes", "openid,email,groups,offline_access",
		"--ca-bundle-data", base64.StdEncoding.EncodeToString(ca), "--upstream-identity-provider-flow", "cli_password"}
	return e.Plugin("kubectl-tko-auth", append(base, args...)...).Env(execInfo)
}

func TestLoginPrintsAnExecCredentialOnly(t *testing.T) {
	e := suite.New(t).Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	r := login(e).Success()
	if !strings.HasPrefix(r.Stdout, `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1"`) ||
		!strings.Contains(r.Stdout, `"expirationTimestamp":"`) || strings.Count(r.Stdout, "\n") != 1 || r.Stderr != "" {
		t.Fatalf("stdout %q stderr %q", r.Stdout, r.Stderr)
	}
	// Cached: the same credential, with the provider out of the picture.
	again := login(e, "--issuer", dex.Issuer).Env("PINNIPED_PASSWORD=not-needed").Success()
	if again.Stdout != r.Stdout {
		t.Fatal("the cached credential differs")
	}
}

func TestLoginBadInput(t *testing.T) {
	e := suite.New(t).Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	port, err := localcp.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	otherCA, err := localcp.NewCAPEM("not-dex")
	if err != nil {
		t.Fatal(err)
	}
	login(e).Env("PINNIPED_PASSWORD=wrong").ExitCode(6).
		OneLineError("refused", "check the username and password")
	login(e, "--issuer", fmt.Sprintf("https://127.0.0.1:%d/dex", port)).ExitCode(6).
		OneLineError("cannot reach the OIDC issuer", "connection refused")
	loginTrusting(e, otherCA).ExitCode(6).
		OneLineError("TLS verification of the OIDC issuer "+dex.Issuer+" failed", "unknown authority")
	login(e, "--issuer", dex.Issuer+"/nope").ExitCode(6).
		OneLineError("has no usable discovery document")
	login(e, "--issuer", "http://127.0.0.1/dex").ExitCode(2).
		OneLineError("must be an https URL")
	e.Plugin("kubectl-tko-auth", "login", "--issuer", dex.Issuer).Env(`KUBERNETES_EXEC_INFO={"apiVersion":"client.authentication.k8s.io/v1alpha1"}`).ExitCode(2).
		OneLineError("v1alpha1")
	login(e).Env("PINNIPED_USERNAME=").ExitCode(6).
		OneLineError("set PINNIPED_USERNAME and PINNIPED_PASSWORD")
	// None of these left a credential behind.
	if _, err := os.Stat(filepath.Join(e.Home, ".config", "tko", "credentials.json")); !os.IsNotExist(err) {
		t.Fatalf("a failed login cached something: %v", err)
	}
}

func TestCorruptAndOpenCachesAreRepaired(t *testing.T) {
	e := suite.New(t).Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	dir := filepath.Join(e.Home, ".config", "tko")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"sessions.json", "credentials.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := login(e).Success().StderrContains("restricted it to 0600", "ignored the unreadable cache")
	if !strings.Contains(r.Stdout, "ExecCredential") {
		t.Fatalf("stdout %q", r.Stdout)
	}
	for _, f := range []string{"sessions.json", "credentials.json"} {
		info, err := os.Stat(filepath.Join(dir, f))
		raw, _ := os.ReadFile(filepath.Join(dir, f))
		if err != nil || info.Mode().Perm() != 0o600 || !strings.Contains(string(raw), `"entries"`) {
			t.Fatalf("%s not rewritten: %v %v", f, info, err)
		}
	}
}
