package list_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestNodePoolListTKC lists a TanzuKubernetesCluster's pools with their VM
// class and TKR (a pool without one runs the control plane's).
func TestNodePoolListTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "basic", Args: clitest.Args("node-pool list " + name + " -n vsphere-ns-2 -o wide"),
				Stdout: []string{"NAME\tVM-CLASS\tREPLICAS\tTKR\tSTATUS\tSTORAGE-CLASS\tFAILUREDOMAIN\tREASON\n",
					"np-1\tbest-effort-medium\t2\t" + clustertest.TKRCurrent + "\tReady\tvsan-default-storage-policy\t\tReady is True\n",
					"np-2\tbest-effort-small\t1\t" + clustertest.TKRCurrent + "\tReady\t"}, NoChanges: true},
			{Name: "json", Args: clitest.Args("np list " + name + " -n vsphere-ns-2 -o json"),
				Stdout: []string{`"vmClass": "best-effort-medium"`, `"tkr": "` + clustertest.TKRCurrent + `"`}},
		}
	})
}

// TestNodePoolListTKCReadiness: a pool is NotReady only when what the
// Supervisor reports singles it out. The TKC's NodePoolsReady speaks for
// every pool at once; a readable MachineDeployment of the backing Cluster
// speaks for its pool alone.
func TestNodePoolListTKCReadiness(t *testing.T) {
	notReady := func(name, message string) func(s *clitest.Server) {
		return func(s *clitest.Server) {
			clustertest.SeedTKCs(s)
			version := "v1alpha" + name[len(name)-1:]
			y := strings.Replace(clustertest.TKCYAML(version, name), `conditions: [{type: Ready, status: "True"}]`,
				fmt.Sprintf(`conditions: [{type: Ready, status: "False", reason: NodePoolsNotReady}, {type: NodePoolsReady, status: "False", reason: NodePoolsNotReady, message: %q}]`, message), 1)
			s.AddYAML(y)
		}
	}
	withMDs := func(name string) func(s *clitest.Server) {
		return func(s *clitest.Server) {
			notReady(name, "some pools are not ready")(s)
			// As the Supervisor's Cluster API writes them for a TKC's pools.
			s.AddYAML(fmt.Sprintf(`apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineDeployment
metadata:
  name: %[1]s-np-1-x7k2p
  namespace: vsphere-ns-2
  labels: {cluster.x-k8s.io/cluster-name: %[1]s, topology.cluster.x-k8s.io/deployment-name: np-1}
spec: {clusterName: %[1]s, replicas: 2}
status: {readyReplicas: 2, conditions: [{type: Ready, status: "True"}]}
---
apiVersion: cluster.x-k8s.io/v1beta2
kind: MachineDeployment
metadata:
  name: %[1]s-np-2-q9w4z
  namespace: vsphere-ns-2
  labels: {cluster.x-k8s.io/cluster-name: %[1]s, topology.cluster.x-k8s.io/deployment-name: np-2}
spec: {clusterName: %[1]s, replicas: 1}
status: {readyReplicas: 0, conditions: [{type: Ready, status: "False", reason: WaitingForAvailableMachines, message: "Minimum availability requires 1 replicas, current 0 available"}]}
`, name))
		}
	}
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		return []clitest.Case{
			{Name: "named pool", Args: clitest.Args("node-pool list " + name + " -n vsphere-ns-2"),
				Setup: notReady(name, "node pool np-2: 0 of 1 machines ready"),
				Stdout: []string{"np-1\tbest-effort-medium\t2\t" + clustertest.TKRCurrent + "\tUnknown\n",
					"np-2\tbest-effort-small\t1\t" + clustertest.TKRCurrent + "\tNotReady\n"}},
			{Name: "no pool named", Args: clitest.Args("node-pool list " + name + " -n vsphere-ns-2 -o json"),
				Setup:  notReady(name, "pools not ready"),
				Stdout: []string{`"status": "Unknown"`, `"statusReason": "NodePoolsReady is False (pools not ready) for the cluster's pools together"`},
				Absent: []string{"NotReady"}},
			{Name: "machine deployments", Args: clitest.Args("node-pool list " + name + " -n vsphere-ns-2 -o wide"),
				Setup: withMDs(name),
				Stdout: []string{"np-1\tbest-effort-medium\t2/2\t" + clustertest.TKRCurrent + "\tReady\t",
					"np-2\tbest-effort-small\t0/1\t" + clustertest.TKRCurrent + "\tNotReady\tvsan-default-storage-policy\t\tMachineDeployment " + name + "-np-2-q9w4z: Minimum availability requires 1 replicas, current 0 available\n"}},
		}
	})
}
