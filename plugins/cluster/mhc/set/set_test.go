package set_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestMHCSet turns on the health check of a control plane or a pool in
// the topology, and refuses bad values before any request.
func TestMHCSet(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "control plane", Args: clitest.Args("mhc set wc-team-a -n team-a --node-startup-timeout 20m"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-team-a changed:\n", "spec.topology.controlPlane.healthCheck: (none) → ", `"nodeStartupTimeoutSeconds":1200`},
			Check:  clitest.Stored("clusters", "team-a/wc-team-a", int64(1200), "spec", "topology", "controlPlane", "healthCheck", "checks", "nodeStartupTimeoutSeconds")},
		{Name: "pool dry run", Args: clitest.Args("mhc set wc-team-a -n team-a --node-pool md-0 --max-unhealthy 40% --dry-run"),
			Stdout: []string{"would change (dry run)", "machineDeployments[md-0].healthCheck"}, NoChanges: true},
		{Name: "negative timeout", Args: clitest.Args("mhc set wc-team-a --unhealthy-for -1m"), Code: 2, Stderr: []string{"timeouts cannot be negative"}, NoRequests: true},
		{Name: "count", Args: clitest.Args("mhc set wc-team-a -n team-a --node-pool md-0 --max-unhealthy 2"),
			Check: clitest.Stored("clusters", "team-a/wc-team-a", int64(2), "spec", "topology", "workers", "machineDeployments", "name=md-0", "healthCheck", "remediation", "triggerIf", "unhealthyLessThanOrEqualTo")},
		{Name: "bad max unhealthy", Args: clitest.Args("mhc set wc-team-a -n team-a --max-unhealthy lots"), Code: 2,
			Stderr: []string{`--max-unhealthy "lots" is not a count (2) or a percentage (40%)`}, NoRequests: true},
		{Name: "negative max unhealthy", Args: clitest.Args("mhc set wc-team-a -n team-a --max-unhealthy=-10%"), Code: 2, NoRequests: true},
		{Name: "unknown pool", Args: clitest.Args("mhc set wc-team-a -n team-a --node-pool md-9"), Code: 3, NoChanges: true},
	})
}
