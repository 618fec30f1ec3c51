package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

// TestKubeconfigGet writes Pinniped login kubeconfigs for the management
// cluster and the seeded workload clusters.
func TestKubeconfigGet(t *testing.T) {
	clitest.RunCases(t, auth.Plugin(), []clitest.Case{
		{Name: "workload cluster", Args: clitest.Args("kubeconfig get wc-prod-1"),
			Stdout: []string{"current-context: wc-prod-1@wc-prod-1\n", "- login\n", "- https://pinniped-supervisor.tko.example.com/provider/pinniped\n"},
			Stderr: []string{"wc-prod-1: the Pinniped Concierge has no working strategy"}, Absent: []string{"token: clitest"}, NoChanges: true},
		{Name: "management cluster", Args: clitest.Args("kubeconfig get"), Stdout: []string{"- --issuer\n", "- https://pinniped-supervisor.tko.example.com/provider/pinniped\n"}},
		{Name: "not provisioned", Args: clitest.Args("kubeconfig get wc-dev-1"), Code: 3, Stderr: []string{"wc-dev-1-kubeconfig"}},
		{Name: "http issuer", Args: clitest.Args("kubeconfig get --issuer http://issuer.example.com"), Code: 2, Stderr: []string{"must be an https URL"}, NoRequests: true},
		{Name: "merge and export", Args: clitest.Args("kubeconfig get --merge --export-file x"), Code: 2, NoRequests: true},
	})
}
