package auth

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var publishOnce sync.Once

// publishIssuer writes kube-public/pinniped-info as TKG does, naming Dex.
func publishIssuer(t *testing.T, e *harness.Env) {
	t.Helper()
	publishOnce.Do(func() {
		cm := &corev1.ConfigMap{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
			ObjectMeta: metav1.ObjectMeta{Name: "pinniped-info", Namespace: "kube-public"},
			Data: map[string]string{"cluster_name": "tko-local", "issuer": dex.Issuer,
				"issuer_ca_bundle_data": base64.StdEncoding.EncodeToString(dex.CAPEM)},
		}
		e.Create(schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, "kube-public", cm)
	})
}

// loginEnv writes a login kubeconfig with `auth kubeconfig get` (password
// flow) and returns an Env that uses it, with Alice's credentials.
func loginEnv(t *testing.T) (*harness.Env, string) {
	t.Helper()
	e := suite.New(t)
	publishIssuer(t, e)
	path := filepath.Join(e.Home, "login.yaml")
	e.Kubectl("tko", "auth", "kubeconfig", "get", "--validate", "--upstream-identity-provider-flow", "cli_password", "--export-file", path).
		Success().StderrContains("discovery document valid with the given CA", "the ID token goes to the API server directly")
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("login kubeconfig: %v %v", info, err)
	}
	e.Kubeconfig = path
	e.Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	return e, path
}

func cacheDir(e *harness.Env) string { return filepath.Join(e.Home, ".config", "tko") }

func TestLoginWhoamiClaimsAndLogout(t *testing.T) {
	e, _ := loginEnv(t)
	// kubectl runs `kubectl tko auth login` as the exec plugin; Dex checks the password.
	e.Kubectl("tko", "auth", "whoami").Success().
		StdoutContains("oidc:"+aliceEmail, aliceGroup, "tko-developers", "system:authenticated", "exec plugin kubectl tko auth login (issuer "+dex.Issuer)
	e.Kubectl("auth", "whoami", "-o", "json").Success().StdoutContains(`"username": "oidc:` + aliceEmail)
	for _, f := range []string{"sessions.json", "credentials.json"} {
		info, err := os.Stat(filepath.Join(cacheDir(e), f))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Fatalf("cache %s: %v %v", f, info, err)
		}
	}
	token := cachedIDToken(t, e)

	// The cluster decides what Alice may do: nothing until a binding says so.
	e.Kubectl("get", "namespaces").ExitCode(1)
	admin := "--kubeconfig=" + suite.CP.Kubeconfig
	e.Kubectl("tko", "auth", "grant", "--group", aliceGroup, "--role", "view", "--cluster-wide", "--dry-run", admin).Success().
		StdoutContains("clusterrolebinding.rbac.authorization.k8s.io/tko:view:group:" + aliceGroup + " created (dry run)")
	e.Kubectl("get", "namespaces").ExitCode(1)
	e.Kubectl("tko", "auth", "grant", "--group", aliceGroup, "--role", "view", "--cluster-wide", admin).Success().StdoutContains(" created")
	e.Kubectl("tko", "auth", "grant", "--group", aliceGroup, "--role", "view", "--cluster-wide", admin).Success().StdoutContains(" unchanged")
	e.Kubectl("get", "namespaces").Success().StdoutContains("kube-public")
	e.Kubectl("tko", "auth", "who-can", "list", "namespaces", admin).Success().
		StdoutContains("Group", aliceGroup, "ClusterRoleBinding/tko:view:group:"+aliceGroup, "ClusterRole/view")
	matrix := e.Kubectl("tko", "auth", "access-matrix", "-n", "default").Success()
	if !hasRow(matrix.Stdout, "configmaps", "yes yes yes no no no no") || !hasRow(matrix.Stdout, "secrets", "no no no no no no no") {
		t.Fatalf("access matrix of a viewer:\n%s", matrix.Stdout)
	}
	e.Kubectl("tko", "auth", "revoke", "--group", aliceGroup, "--role", "view", "--cluster-wide", admin).Success().StdoutContains(" deleted")
	e.Kubectl("tko", "auth", "revoke", "--group", aliceGroup, "--role", "view", "--cluster-wide", admin).Success().StdoutContains("not found (nothing to revoke)")
	e.Kubectl("get", "namespaces").ExitCode(1)
	// Alice may not grant herself anything.
	e.Kubectl("tko", "auth", "grant", "oidc:"+aliceEmail, "--role", "admin", "-n", "default").ExitCode(7).OneLineError("forbidden")
	e.Kubectl("tko", "auth", "grant", "--group", "g", "--role", "view", admin).ExitCode(2).StderrContains("exactly one of -n NAMESPACE and --cluster-wide")
	e.Kubectl("tko", "auth", "grant", "--group", "g", "-n", "default", admin).ExitCode(2).StderrContains("--role is required")

	claims := e.Kubectl("tko", "auth", "claims").Success().StdoutContains(dex.Issuer, aliceEmail, aliceGroup, "Expires:")
	claimsJSON := e.Kubectl("tko", "auth", "claims", "-o", "json").Success().StdoutContains(`"email": "` + aliceEmail)
	verbose := e.Kubectl("tko", "auth", "whoami", "-v", "9").Success()
	for _, r := range []*harness.Result{claims, claimsJSON, verbose} {
		if strings.Contains(r.Stdout+r.Stderr, token) {
			t.Fatal("the ID token was printed")
		}
	}
	if strings.Contains(verbose.Stderr, password) {
		t.Fatal("the password was printed")
	}

	// Logout forgets the session: the next call must log in again, and a
	// wrong password now fails where the cache would have answered.
	e.Kubectl("tko", "auth", "logout").Success().StdoutContains("logged out of " + dex.Issuer)
	e.Kubectl("tko", "auth", "claims").ExitCode(3)
	bad := e.Kubectl("tko", "auth", "whoami").Env("PINNIPED_PASSWORD=wrong").Run()
	if bad.Code == 0 || !strings.Contains(bad.Stderr, "check the username and password") {
		t.Fatalf("a wrong password after logout: exit %d\n%s", bad.Code, bad.Stderr)
	}
	e.Kubectl("tko", "auth", "whoami").Success().StdoutContains("oidc:" + aliceEmail)
	e.Kubectl("tko", "auth", "logout", "--all", "--dry-run").Success().StdoutContains("would have removed")
	e.Kubectl("tko", "auth", "logout", "--all").Success().StdoutContains("removed " + filepath.Join(cacheDir(e), "sessions.json"))
}

func cachedIDToken(t *testing.T, e *harness.Env) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(cacheDir(e), "sessions.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Entries map[string]struct {
			IDToken string `json:"idToken"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	for _, s := range f.Entries {
		if s.IDToken != "" {
			return s.IDToken
		}
	}
	t.Fatal("no ID token cached")
	return ""
}

// hasRow finds a tab-separated table row by its first cell and its verbs.
func hasRow(table, name, cells string) bool {
	for _, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == name && strings.Join(f[1:], " ") == cells {
			return true
		}
	}
	return false
}

// A workload cluster is reached through its <name>-kubeconfig Secret on the
// management cluster; here the Secret points back at the same API server.
func TestKubeconfigGetForAWorkloadCluster(t *testing.T) {
	e := suite.New(t)
	publishIssuer(t, e)
	ns := e.Namespace()
	admin, err := os.ReadFile(suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	e.Create(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, ns,
		harness.Secret("wc-1-kubeconfig", map[string]string{"value": string(admin)}))
	path := filepath.Join(e.Home, "wc-1.yaml")
	e.Kubectl("tko", "auth", "kubeconfig", "get", "wc-1", "-n", ns, "--upstream-identity-provider-flow", "cli_password", "--export-file", path).
		Success().StderrContains("wrote the kubeconfig of wc-1 to " + path + " (context wc-1@wc-1)")
	e.Kubeconfig = path
	e.Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	e.Kubectl("tko", "auth", "whoami", "-o", "yaml").Success().StdoutContains("username: oidc:"+aliceEmail, "context: wc-1@wc-1")
	e.Kubectl("tko", "auth", "kubeconfig", "get", "wc-2", "-n", ns, "--kubeconfig", suite.CP.Kubeconfig).ExitCode(3).
		OneLineError(`kubeconfig Secret "wc-2-kubeconfig" not found`)
}

// A token for another audience: the API server answers 401, and whoami
// names the issuer and audience it refused.
func TestRejectedAudienceIsNamed(t *testing.T) {
	e := suite.New(t)
	publishIssuer(t, e)
	path := filepath.Join(e.Home, "other.yaml")
	e.Kubectl("tko", "auth", "kubeconfig", "get", "--client-id", "other-cli", "--upstream-identity-provider-flow", "cli_password", "--export-file", path).Success()
	e.Kubeconfig = path
	e.Setenv("PINNIPED_USERNAME", aliceEmail).Setenv("PINNIPED_PASSWORD", password)
	e.Kubectl("tko", "auth", "whoami").ExitCode(6).
		OneLineError("rejected the token (401 Unauthorized) of issuer "+dex.Issuer+" for audience other-cli", "must trust that issuer and audience")
}
