package delete_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestNodePoolDelete removes a pool from a seeded cluster's topology.
func TestNodePoolDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "remove md-2", Args: clitest.Args("node-pool delete wc-prod-1 --name md-2"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-prod-1 changed:\n", "md-2"},
			Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
				raw, _ := s.Object("clusters", "default", "wc-prod-1").MarshalJSON()
				if strings.Contains(string(raw), `"md-2"`) || !strings.Contains(string(raw), `"md-1"`) {
					t.Errorf("stored topology: %s", raw)
				}
			}},
		{Name: "dry run", Args: clitest.Args("node-pool delete wc-prod-1 --name md-2 --dry-run"), Stdout: []string{"would change (dry run)"}, NoChanges: true},
		{Name: "unknown pool", Args: clitest.Args("node-pool delete wc-prod-1 --name md-9"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("node-pool delete wc-prod-1"), Code: 2, Stderr: []string{"--name"}, NoRequests: true},
	})
}
