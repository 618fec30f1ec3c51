package recipes_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestRecipes lists the recipes of every policy type, or of one, without
// a cluster.
func TestRecipes(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "all", Args: clitest.Args("policy recipes"),
			Stdout: []string{"TYPE\tRECIPE\tDESCRIPTION\n", "security\tbaseline\t", "namespace-quota\tmedium\tCPU 1 / 2, memory 1Gi / 4Gi\n", "custom\tvalidating-admission-policy\t"}, NoRequests: true},
		{Name: "one type", Args: clitest.Args("policy recipes network"), Stdout: []string{"network\tdeny-all\tDeny all ingress to every pod\n"}, Absent: []string{"security"}, NoRequests: true},
		{Name: "unknown type", Args: clitest.Args("policy recipes firewall"), Code: 2, Stderr: []string{`unknown policy type "firewall"`}, NoRequests: true},
	})
}
