package capacity_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
)

// usage is metrics-server's view of a seeded pod.
const usage = `apiVersion: metrics.k8s.io/v1beta1
kind: PodMetrics
metadata: {name: fluent-bit-8m4zt, namespace: tanzu-system-logging}
timestamp: "2026-01-01T00:00:00Z"
window: 30s
containers:
- name: fluent-bit
  usage: {cpu: 50m, memory: 100Mi}
`

// TestCapacity sets the seeded pods' requests and limits against the
// nodes' allocatable, with usage where metrics-server serves it.
func TestCapacity(t *testing.T) {
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "by node", Args: clitest.Args("capacity -A"),
			Stdout: []string{"NODE\tPODS\tCPU REQ\tCPU LIM\tCPU ALLOC\tCPU REQ%\tCPU USED\t", "tkg-mgmt-md-0-5d9f8-qw2lx\t1\t100m\t0\t4\t2%\t-\t128Mi\t256Mi\t16Gi\t0%\t-\n", "total\t2\t200m\t"}, NoChanges: true},
		{Name: "by namespace with usage", Setup: func(s *clitest.Server) { s.AddYAML(usage) }, Args: clitest.Args("capacity -A --by namespace"),
			Stdout: []string{"NAMESPACE\tPODS\tCPU REQ\tCPU LIM\tCPU USED\t", "tanzu-system-logging\t2\t200m\t0\t50m\t", "tanzu-system-logging/fluent-bit-8m4zt\ttkg-mgmt-md-0-5d9f8-qw2lx\t100m\t128Mi\t50m\t100Mi\n"}},
		{Name: "negative top", Args: clitest.Args("capacity --top -1"), Code: 2, Stderr: []string{"--top cannot be negative"}, NoRequests: true},
		{Name: "bad by", Args: clitest.Args("capacity --by pod"), Code: 2, NoRequests: true},
	})
}
