package login_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

func run(t *testing.T, tty bool, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	streams, _, out, errOut := cmdutil.TestStreams(tty)
	code := cli.Run(auth.Plugin(), cli.NewFactory(), streams, append([]string{"login"}, args...))
	return out.String(), errOut.String(), code
}

func TestLoginByHandOnATerminalExplainsItself(t *testing.T) {
	out, errOut, code := run(t, true, map[string]string{"KUBERNETES_EXEC_INFO": ""}, "--issuer", "https://issuer.example.com")
	if code != explain.ExitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "credential plugin kubectl runs") {
		t.Fatalf("code %d out %q err %q", code, out, errOut)
	}
}

func TestLoginValidatesFlagsBeforeAnyRequest(t *testing.T) {
	info := map[string]string{"KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}`}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "--issuer is required"},
		{[]string{"--issuer", "http://issuer"}, "must be an https URL"},
		{[]string{"--issuer", "https://i", "--upstream-identity-provider-flow", "device"}, "neither browser_authcode nor cli_password"},
		{[]string{"--issuer", "https://i", "--enable-concierge"}, "needs --concierge-endpoint"},
		{[]string{"--issuer", "https://i", "--ca-bundle-data", "%%%"}, "--ca-bundle-data"},
		{[]string{"--issuer", "https://i", "--callback-timeout", "soon"}, "--callback-timeout"},
	} {
		_, errOut, code := run(t, false, info, tc.args...)
		if code != explain.ExitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: code %d, stderr %q", tc.args, code, errOut)
		}
	}
}

// A kubeconfig written by pinniped or tanzu passes flags we must accept.
func TestLoginAcceptsPinnipedAndTanzuArguments(t *testing.T) {
	info := map[string]string{"KUBERNETES_EXEC_INFO": `{"apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}`}
	args := []string{"--enable-concierge", "--concierge-api-group-suffix=pinniped.dev", "--concierge-authenticator-name=tkg-jwt-authenticator",
		"--concierge-authenticator-type=jwt", "--concierge-endpoint=https://127.0.0.1:1", "--concierge-ca-bundle-data=",
		"--issuer=https://127.0.0.1:1/provider/pinniped", "--client-id=pinniped-cli", "--scopes=offline_access,openid,pinniped:request-audience",
		"--skip-browser", "--listen-port=0", "--ca-bundle-data=", "--session-cache=" + t.TempDir() + "/sessions.yaml",
		"--request-audience=wc-1", "--upstream-identity-provider-name=ldap", "--upstream-identity-provider-type=ldap",
		"--upstream-identity-provider-flow=cli_password", "--skip-listen", "--debug-session-cache", "--concierge-use-impersonation-proxy=false"}
	_, errOut, code := run(t, false, info, args...)
	// The flags parse; the issuer is down, and says so in one line.
	if code != explain.ExitUnreachable || !strings.Contains(errOut, "cannot reach the OIDC issuer") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("code %d stderr %q", code, errOut)
	}
}
