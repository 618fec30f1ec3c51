package whoami_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestWhoami asks the server who the caller is (a SelfSubjectReview).
func TestWhoami(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "admin", Args: clitest.Args("whoami"),
			Stdout: []string{"Username:        kubernetes-admin\n", "Groups:          kubeadm:cluster-admins, system:authenticated\n", "Context:         tko-mgmt\n", "Authentication:  bearer token\n"}, NoChanges: true},
		{Name: "another user as json", Setup: func(s *clitest.Server) {
			s.User = clitest.User{Name: "alice@example.com", Groups: []string{"tko-platform"}}
		},
			Args: clitest.Args("whoami -o json"), Stdout: []string{`"alice@example.com"`, `"tko-platform"`}},
		{Name: "bad output", Args: clitest.Args("whoami -o table"), Code: 2, NoRequests: true},
	})
}
