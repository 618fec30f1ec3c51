package doctor_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

// TestDoctor finds what keeps the seeded Services from their addresses:
// findings with cause and fix, exit 1 on an error.
func TestDoctor(t *testing.T) {
	clitest.RunCases(t, lb.Plugin(), []clitest.Case{
		{Name: "every namespace", Args: clitest.Args("doctor -A"), Code: 1,
			Stdout: []string{
				"SEVERITY\tOBJECT\tCAUSE\tFIX\n",
				"error\tservice/envoy-internal -n tanzu-system-ingress\tLoadBalancer pending: AKO reports InvalidConfiguration",
				"warning\tservice/legacy-ftp -n team-a\taddress 10.98.0.5 lies in no pool",
				"error\takodeploymentconfig/install-ako-for-all\tSecret tkg-system-networking/avi-controller-credentials does not exist\t",
			},
			Stderr: []string{" error(s), ", " warning(s)"}, NoChanges: true},
		{Name: "one namespace", Args: clitest.Args("doctor -n team-a"), Code: 1, Stdout: []string{"service/legacy-ftp -n team-a"}, Absent: []string{"envoy-internal"}},
		{Name: "as json", Args: clitest.Args("doctor -A -o json"), Code: 1, Stdout: []string{`"severity": "error"`}},
		{Name: "bad output", Args: clitest.Args("doctor -o table"), Code: 2, NoRequests: true},
	})
}
