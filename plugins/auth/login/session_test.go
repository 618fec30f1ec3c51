package login_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
)

// TestLoginFromTheCache: as kubectl's credential plugin, a login with a
// valid cached session prints the ExecCredential without asking anyone.
func TestLoginFromTheCache(t *testing.T) {
	execInfo := map[string]string{"KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}
	login := append([]string{"login"}, authtest.LoginArgs()[3:]...)
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "cached", Home: authtest.Alice, Env: execInfo, Args: login,
			Stdout: []string{`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1"`, `"status":{"expirationTimestamp":"`, `"token":"eyJ`}, NoRequests: true},
		{Name: "other issuer", Home: authtest.Alice, Env: execInfo, Args: []string{"login", "--issuer", "http://issuer.example.com"},
			Code: 2, Stderr: []string{"must be an https URL"}, NoRequests: true},
	})
}
