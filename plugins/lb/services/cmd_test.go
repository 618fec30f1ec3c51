package services_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestServices lists the seeded Services of type LoadBalancer, who serves
// them and why a pending one waits.
func TestServices(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "every namespace", Args: clitest.Args("services -A"),
			Stdout: []string{"NAMESPACE\tNAME\tIMPLEMENTATION\tREQUESTED\tADDRESS\tAGE\n", "tanzu-system-ingress\tenvoy\tAKO\t-\t10.20.8.15\t", "team-a\tgrafana\tkube-vip\t10.20.30.1\t10.20.30.1\t", "<pending> AKO reports InvalidConfiguration"}, NoChanges: true},
		{Name: "pending only", Args: clitest.Args("services -A --pending"), Stdout: []string{"envoy-internal"}, Absent: []string{"grafana", "\tenvoy\t"}},
		{Name: "none here", Args: clitest.Args("services"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("services -o table"), Code: 2, NoRequests: true},
	})
}
