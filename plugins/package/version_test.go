package packages_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestVersion prints the plugin's build stamp without a cluster.
func TestVersion(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "text", Args: clitest.Args("version"), Stdout: []string{"kubectl-tko-package v"}, NoRequests: true},
		{Name: "json", Args: clitest.Args("version -o json"), Stdout: []string{"\"plugin\": \"kubectl-tko-package\""}, NoRequests: true},
		{Name: "bad output", Args: clitest.Args("version -o table"), Code: 2, NoRequests: true},
	})
}
