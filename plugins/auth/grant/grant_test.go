package grant_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestGrant binds a ClusterRole to a user or group, in a namespace or
// cluster-wide.
func TestGrant(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "user in a namespace", Args: clitest.Args("grant alice --role view -n team-a"),
			Stdout: []string{"rolebinding.rbac.authorization.k8s.io/tko:view:user:alice created\n"},
			Check: clitest.All(clitest.Stored("rolebindings", "team-a/tko:view:user:alice", "view", "roleRef", "name"),
				clitest.Stored("rolebindings", "team-a/tko:view:user:alice", "alice", "subjects", "kind=User", "name"))},
		{Name: "group cluster-wide", Args: clitest.Args("grant --group tko-platform --role edit --cluster-wide"),
			Stdout: []string{"clusterrolebinding.rbac.authorization.k8s.io/tko:edit:group:tko-platform created\n"},
			Check:  clitest.Present("clusterrolebindings", "tko:edit:group:tko-platform")},
		{Name: "dry run", Args: clitest.Args("grant alice --role view -n team-a --dry-run"), Stdout: []string{"created (dry run)"}, NoChanges: true},
		{Name: "no role", Args: clitest.Args("grant alice -n team-a"), Code: 2, Stderr: []string{"--role is required"}, NoRequests: true},
		{Name: "no scope", Args: clitest.Args("grant alice --role view"), Code: 2, Stderr: []string{"give exactly one of -n NAMESPACE and --cluster-wide"}, NoRequests: true},
		{Name: "user and group", Args: clitest.Args("grant alice --group g --role view -n team-a"), Code: 2, Stderr: []string{"not both"}, NoRequests: true},
	})
}
