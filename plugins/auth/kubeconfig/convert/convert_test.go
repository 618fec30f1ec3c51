package convert_test

import (
	"os"
	"strings"
	"testing"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// pinnipedLogin makes the users log in with the pinniped CLI, as a
// kubeconfig of `tanzu` or `pinniped get kubeconfig` does.
func pinnipedLogin(cfg *clientcmdapi.Config) {
	for _, u := range cfg.AuthInfos {
		u.Token = ""
		u.Exec = &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: "pinniped",
			Args: []string{"login", "oidc", "--issuer=https://issuer.example.com", "--client-id=pinniped-cli", "--scopes=offline_access,openid,pinniped:request-audience", "--request-audience=wc-1"}}
	}
}

// TestKubeconfigConvert turns pinniped and tanzu logins into kubectl tko
// auth login ones, printed or in place.
func TestKubeconfigConvert(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "printed", Kubeconfig: pinnipedLogin, Args: clitest.Args("kubeconfig convert"),
			Stdout: []string{"command: kubectl\n", "- tko\n", "- login\n", "--issuer=https://issuer.example.com"}, Absent: []string{"command: pinniped"}, NoRequests: true},
		{Name: "in place", Kubeconfig: pinnipedLogin, Args: clitest.Args("kubeconfig convert --in-place"),
			Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				raw, err := os.ReadFile(os.Getenv("KUBECONFIG"))
				if err != nil || strings.Contains(string(raw), "pinniped\n") || !strings.Contains(string(raw), "- tko\n") {
					t.Errorf("the kubeconfig after --in-place: %s %v", raw, err)
				}
			}},
		{Name: "nothing to convert", Args: clitest.Args("kubeconfig convert"), Stderr: []string{"no pinniped or tanzu login"}},
		{Name: "stdin in place", Args: clitest.Args("kubeconfig convert -f - --in-place"), Code: 2, Stderr: []string{"--in-place cannot write back to standard input"}, NoRequests: true},
	})
}
