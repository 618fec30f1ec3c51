package whocan_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/authtest"
)

// TestWhoCan finds the subjects RBAC lets do a verb, and through which
// binding.
func TestWhoCan(t *testing.T) {
	rbac := func(s *clitest.Server) { s.AddYAML(authtest.RBAC) }
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "pods in team-a", Setup: rbac, Args: clitest.Args("who-can get pods -n team-a"),
			Stdout: []string{"tko-platform", "platform-view", "kubeadm:cluster-admins", "cluster-admins"}, NoChanges: true},
		{Name: "secrets in team-a", Setup: rbac, Args: clitest.Args("who-can get secrets -n team-a"),
			Stdout: []string{"kubeadm:cluster-admins"}, Absent: []string{"tko-platform"}},
		{Name: "nobody", Args: clitest.Args("who-can get pods -n team-a"), Stderr: []string{"No binding allows get pods in namespace team-a."}},
		{Name: "bad resource", Args: clitest.Args("who-can get pods/log/x/y"), Code: 2, Stderr: []string{"is not RESOURCE[/SUBRESOURCE][/NAME]"}, NoRequests: true},
		{Name: "no resource", Args: clitest.Args("who-can get"), Code: 2, NoRequests: true},
	})
}
