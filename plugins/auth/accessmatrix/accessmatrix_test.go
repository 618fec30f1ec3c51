package accessmatrix_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestAccessMatrix tabulates what the caller may do with each resource,
// from the server's SelfSubjectRulesReview.
func TestAccessMatrix(t *testing.T) {
	viewer := func(s *clitest.Server) {
		s.React("create", "selfsubjectrulesreviews", func(clitest.Request) (bool, any, error) {
			return true, map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "status": map[string]any{
				"resourceRules": []any{map[string]any{"verbs": []any{"get", "list"}, "apiGroups": []any{""}, "resources": []any{"pods"}}},
			}}, nil
		})
	}
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "admin", Args: clitest.Args("access-matrix -n team-a"),
			Stdout: []string{"NAME\tGET\tLIST\tWATCH\tCREATE\tUPDATE\tPATCH\tDELETE\n", "clusters.cluster.x-k8s.io\tyes\tyes\tyes\tyes\tyes\tyes\tyes\n", "secrets\tyes\t"}, NoChanges: true},
		{Name: "viewer", Setup: viewer, Args: clitest.Args("access-matrix -n team-a"),
			Stdout: []string{"pods\tyes\tyes\tno\tno\tno\tno\tno\n", "secrets\tno\tno\tno\tno\tno\tno\tno\n"}},
		{Name: "bad service account", Args: clitest.Args("access-matrix --sa nobody"), Code: 2, Stderr: []string{"is not NAMESPACE:NAME"}, NoRequests: true},
		{Name: "service account and user", Args: clitest.Args("access-matrix --sa team-a:ci --as alice"), Code: 2,
			Stderr: []string{"--sa and --as cannot be used together"}, NoRequests: true},
		{Name: "bad output", Args: clitest.Args("access-matrix -o table"), Code: 2, NoRequests: true},
	})
}
