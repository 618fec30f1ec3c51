package e2e

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// TestGroupsWithoutKappController: this management cluster has
// kapp-controller's CRDs but no kapp-controller (nothing serves its
// Package API): a group can be created and listed, but nothing can be
// attached, since nothing would hold it.
func TestGroupsWithoutKappController(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "cluster", "group", "create", "no-kapp", "--selector", "tkg.tanzu.vmware.com/cluster-name=wc-prod-1").Success().
		StdoutContains("clustergroup.tko.tanzu.vmware.com/no-kapp created")
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "no-kapp").Run() })
	e.Kubectl("tko", "cluster", "group", "list").Success().StdoutContains("no-kapp\tdefault/wc-prod-1\tAvailable\t")
	e.Kubectl("tko", "cluster", "group", "attach", "no-kapp", "policy", "security", "p", "--level", "baseline").ExitCode(explain.ExitNotFound).
		OneLineError("kapp-controller does not run in this management cluster")
	e.Kubectl("tko", "cluster", "group", "sync").ExitCode(explain.ExitNotFound).OneLineError("kapp-controller does not run in this management cluster")
}
