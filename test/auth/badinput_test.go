package auth

import (
	"encoding/base64"
	"encoding/json"
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

func TestCallbackThatNeverComes(t *testing.T) {
	e := suite.New(t)
	e.Plugin("kubectl-tko-auth", "login", "--issuer", dex.Issuer, "--ca-bundle-data", base64.StdEncoding.EncodeToString(dex.CAPEM),
		"--scopes", "openid,email", "--skip-browser", "--callback-timeout", "1s").Env(execInfo).ExitCode(4).
		StderrContains("Log in by visiting this link:", "error: no login callback within 1s")
}

// editSession rewrites the cached session with edit, and drops the cached
// credentials, so that the next login must use the session.
func editSession(t *testing.T, e *harness.Env, edit func(map[string]any)) {
	t.Helper()
	dir := filepath.Join(e.Home, ".config", "tko")
	raw, err := os.ReadFile(filepath.Join(dir, "sessions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Kind    string                    `json:"kind"`
		Entries map[string]map[string]any `json:"entries"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Entries {
		edit(s)
	}
	raw, _ = json.Marshal(f)
	if err := os.WriteFile(filepath.Join(dir, "sessions.json"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "credentials.json")); err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
}

func TestRefreshBeforeLoginAndOneLoginWhenRefreshFails(t *testing.T) {
	e := suite.New(t).Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	first := login(e).Success()
	// An expired ID token is refreshed: no password needed.
	editSession(t, e, func(s map[string]any) { s["idTokenExpiry"] = "2020-01-01T00:00:00Z" })
	refreshed := login(e).Env("PINNIPED_PASSWORD=wrong").Success()
	if refreshed.Stdout == first.Stdout {
		t.Fatal("the refresh returned the old credential")
	}
	// A revoked refresh token: one new login, with the password.
	editSession(t, e, func(s map[string]any) { s["idTokenExpiry"] = "2020-01-01T00:00:00Z"; s["refreshToken"] = "revoked" })
	login(e).Env("PINNIPED_PASSWORD=wrong").ExitCode(6).OneLineError("check the username and password")
	editSession(t, e, func(s map[string]any) { s["idTokenExpiry"] = "2020-01-01T00:00:00Z"; s["refreshToken"] = "revoked" })
	login(e).Success().StdoutContains(`"token":"ey`)
	// The revoked session was forgotten; the new login left a fresh one.
	raw, _ := os.ReadFile(filepath.Join(e.Home, ".config", "tko", "sessions.json"))
	if strings.Contains(string(raw), `"revoked"`) {
		t.Fatal("the revoked refresh token is still cached")
	}
}
