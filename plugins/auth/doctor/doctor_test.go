package doctor_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
)

// healthy is the seeded estate with identity management working against
// an OpenID provider of the test's.
func healthy(t testing.TB) *clitest.Server {
	s := clitest.Estate(t)
	authtest.Pinniped(t, s)
	return s
}

// TestStatus checks identity management: the Concierge's strategies, each
// authenticator's issuer probed as the Concierge probes it, pinniped-info;
// exit 1 on an error.
func TestDoctor(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "healthy", Server: healthy, Args: clitest.Args("doctor"),
			Stderr: []string{"0 error(s), 0 other finding(s), 3 healthy object(s)\n"}, Absent: []string{"error\t"}, NoChanges: true},
		{Name: "healthy as json, by the former name", Server: healthy, Args: clitest.Args("status -o json"),
			Stderr: []string{"warning: 'kubectl tko auth status' without --vsphere is now 'kubectl tko auth doctor'"},
			Stdout: []string{"CredentialIssuer/pinniped-concierge-config KubeClusterSigningCertificate", "Success: TokenCredentialRequestAPI at https://127.0.0.1:", "JWTAuthenticator/tkg-jwt-authenticator"}},
		{Name: "issuer unreachable", Server: healthy, Setup: func(s *clitest.Server) {
			info := s.Object("configmaps", "kube-public", "pinniped-info")
			info.Object["data"].(map[string]any)["issuer"] = "https://127.0.0.1:1"
			s.Add(info)
		}, Args: clitest.Args("doctor"), Code: 1, Stdout: []string{"error\tConfigMap/kube-public/pinniped-info\tissuer https://127.0.0.1:1 unreachable"}},
		{Name: "no Concierge", Server: healthy, Setup: func(s *clitest.Server) { s.Remove("credentialissuers", "", "pinniped-concierge-config") },
			Args: clitest.Args("doctor"), Stdout: []string{"warning\tCredentialIssuer\t"}},
		{Name: "bad output", Args: clitest.Args("doctor -o table"), Code: 2, NoRequests: true},
	})
}
