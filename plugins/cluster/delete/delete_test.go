package delete_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// deleting checks that the cluster is being deleted: Cluster API's
// finalizer keeps it until its machines are gone.
func deleting(name string) func(t *testing.T, s *clitest.Server, r clitest.Result) {
	return func(t *testing.T, s *clitest.Server, _ clitest.Result) {
		if u := s.Object("clusters", "default", name); u != nil && u.GetDeletionTimestamp() == nil {
			t.Errorf("cluster %s is not being deleted", name)
		}
	}
}

// TestDelete deletes seeded clusters after asking, or with --yes, and
// refuses what it must not delete.
func TestDelete(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "yes", Args: clitest.Args("delete wc-dev-1 --yes"), Stdout: []string{"cluster.cluster.x-k8s.io/wc-dev-1 deleted\n"}, Check: deleting("wc-dev-1")},
		{Name: "asked on a terminal", Args: clitest.Args("delete wc-dev-1"), TTY: true, Stdin: "y\n",
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-dev-1 deleted\n"}, Check: deleting("wc-dev-1")},
		{Name: "declined on a terminal", Args: clitest.Args("delete wc-dev-1"), TTY: true, Stdin: "n\n", NoChanges: true,
			Code: 1, Stderr: []string{"[y/N] Nothing deleted."}, Absent: []string{"wc-dev-1 deleted"}},
		{Name: "no terminal, no --yes", Args: clitest.Args("delete wc-dev-1"), Code: 2, Stderr: []string{"without --yes"}, NoChanges: true},
		{Name: "dry run", Args: clitest.Args("delete wc-dev-1 --yes --dry-run"), Stdout: []string{"wc-dev-1", "dry run"}, NoChanges: true},
		{Name: "management cluster", Args: clitest.Args("delete tkg-mgmt -n tkg-system --yes"), Code: 2, Stderr: []string{"management cluster"}, NoChanges: true},
		{Name: "not found", Args: clitest.Args("delete wc-nope --yes"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("delete --yes"), Code: 2, NoRequests: true},
	})
}
