package revoke_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestRevoke removes the binding grant made.
func TestRevoke(t *testing.T) {
	granted := func(s *clitest.Server) {
		s.Prepare(auth.Plugin(), clitest.Args("grant alice --role view -n team-a")...)
	}
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "granted", Setup: granted, Args: clitest.Args("revoke alice --role view -n team-a"),
			Stdout: []string{"rolebinding.rbac.authorization.k8s.io/tko:view:user:alice deleted\n"}, Check: clitest.Gone("rolebindings", "team-a/tko:view:user:alice")},
		{Name: "never granted", Args: clitest.Args("revoke alice --role view -n team-a"), Stdout: []string{"not found (nothing to revoke)"}},
		{Name: "no user", Args: clitest.Args("revoke --role view -n team-a"), Code: 2, Stderr: []string{"missing USER"}, NoRequests: true},
	})
}
