package upgrade_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestUpgradeTKC moves TanzuKubernetesClusters of both served versions to
// the next minor's TanzuKubernetesRelease, control plane and pools, and
// refuses a skipped minor and a release the Supervisor does not mark
// Compatible, with its reason.
func TestUpgradeTKC(t *testing.T) {
	clustertest.RunTKCCases(t, cluster.Plugin(), func(version, name string) []clitest.Case {
		args := "upgrade " + name + " -n vsphere-ns-2 --tkr "
		return []clitest.Case{
			{Name: "dry run", Args: clitest.Args(args + clustertest.TKRNext + " --dry-run"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " would change (dry run)\n",
					"  spec.topology.controlPlane.tkr.reference.name: " + clustertest.TKRCurrent + " → " + clustertest.TKRNext + "\n",
					"  spec.topology.nodePools[np-2].tkr.reference.name: " + clustertest.TKRCurrent + " → " + clustertest.TKRNext + "\n"},
				Absent: []string{"nodePools[np-1]"}, NoChanges: true},
			{Name: "upgrade, waiting", Setup: func(s *clitest.Server) { clustertest.SeedTKCs(s); clustertest.Supervise(s) },
				Args:   clitest.Args(args + clustertest.TKRNext + " --wait --timeout 20s"),
				Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/" + name + " changed:\n"},
				Stderr: []string{"TanzuKubernetesCluster vsphere-ns-2/" + name + " is Ready\n"},
				Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					v := clustertest.TKCView(t, s, version, name)
					np2, _ := v.Pool("np-2")
					if v.ControlPlane.TKR != clustertest.TKRNext || np2.TKR != clustertest.TKRNext || v.Version != "v1.26.10+vmware.1-fips.1" {
						t.Errorf("after the upgrade: control plane %s, np-2 %s, running %s", v.ControlPlane.TKR, np2.TKR, v.Version)
					}
				}},
			{Name: "by Kubernetes version", Args: clitest.Args("upgrade " + name + " -n vsphere-ns-2 --version v1.26.10+vmware.1-fips.1 --dry-run"),
				Stdout: []string{"→ " + clustertest.TKRNext}, NoChanges: true},
			{Name: "not compatible", Args: clitest.Args(args + clustertest.TKRIncompatible),
				Code: 2, Stderr: []string{"TanzuKubernetesRelease " + clustertest.TKRIncompatible + " is not Compatible: " + clustertest.IncompatibleMessage}, NoChanges: true},
			{Name: "skipped minor", Args: clitest.Args(args + clustertest.TKRSkip),
				Code: 2, Stderr: []string{"skips a minor version", "v1.26.x first"}, NoChanges: true},
			{Name: "unknown release", Args: clitest.Args(args + "v1.99.0---vmware.1-tkg.1"),
				Code: 3, Stderr: []string{"not found", clustertest.TKRNext}, NoChanges: true},
		}
	})
}
