package claims_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
)

// TestClaims prints the claims of the cached ID token of the context's
// login, without a request.
func TestClaims(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "alice", Kubeconfig: authtest.Login, Home: authtest.Alice, Args: clitest.Args("claims"),
			Stdout: []string{"Issuer:    https://issuer.example.com\n", "Subject:   alice\n", "Email:     alice@example.com\n", "Groups:    tko-platform\n", "Expires:   ", " (in "}, NoRequests: true},
		{Name: "as json", Kubeconfig: authtest.Login, Home: authtest.Alice, Args: clitest.Args("claims -o json"), Stdout: []string{`"alice@example.com"`}},
		{Name: "no session", Kubeconfig: authtest.Login, Args: clitest.Args("claims"), Code: 3, Stderr: []string{`login session of issuer "https://issuer.example.com" not found`}},
		{Name: "no login", Args: clitest.Args("claims"), Code: 2, Stderr: []string{"does not log in through Pinniped or kubectl tko auth login"}, NoRequests: true},
	})
}
