package logout_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
)

// sessions checks whether the session cache under $HOME holds the
// issuer's session.
func sessions(want bool) clitest.CheckFunc {
	return func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
		raw, _ := os.ReadFile(filepath.Join(os.Getenv("HOME"), ".config", "tko", "sessions.json"))
		if got := strings.Contains(string(raw), authtest.Issuer); got != want {
			t.Errorf("the session cached: %v, want %v (%s)", got, want, raw)
		}
	}
}

// TestLogout forgets the cached login of the context, or every one.
func TestLogout(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "context", Kubeconfig: authtest.Login, Home: authtest.Alice, Args: clitest.Args("logout"),
			Stdout: []string{"logged out of https://issuer.example.com (context tko-mgmt)"}, NoRequests: true, Check: sessions(false)},
		{Name: "dry run", Kubeconfig: authtest.Login, Home: authtest.Alice, Args: clitest.Args("logout --dry-run"),
			Stdout: []string{"would have logged out of https://issuer.example.com (context tko-mgmt): 1 cached entries removed\n"}, Check: sessions(true)},
		{Name: "all", Kubeconfig: authtest.Login, Home: authtest.Alice, Args: clitest.Args("logout --all"), Stdout: []string{"removed ", "sessions.json"}, Check: sessions(false)},
		{Name: "no login", Args: clitest.Args("logout"), Code: 2, Stderr: []string{"does not log in through"}, NoRequests: true},
	})
}
