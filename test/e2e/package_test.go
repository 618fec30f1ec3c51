package e2e

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// The e2e control plane has kapp-controller's CRDs (and the seeded,
// controller-less installs) but no kapp-controller: the commands that read
// only CRDs work, the ones that need its Package API say what is missing.
// test/packages runs the package plugin against a real kapp-controller.
func TestPackageWithoutKappController(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "package", "installed", "list", "-A").Success().
		StdoutContains("tanzu-packages\tprometheus\tprometheus.tanzu.vmware.com\t2.45.0+vmware.1-tkg.1\tReconcileFailed")
	e.Kubectl("tko", "package", "installed", "get", "prometheus", "-n", "tanzu-packages").Success().
		StdoutContains("Status:           ReconcileFailed", "ProgressDeadlineExceeded")
	e.Kubectl("tko", "package", "repository", "list", "-A").Success().StdoutContains("tanzu-standard\t(imgpkg) projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21\tReconcileSucceeded")
	e.Kubectl("tko", "package", "available", "list").ExitCode(explain.ExitNotFound).
		OneLineError("this cluster does not serve data.packaging.carvel.dev (kapp-controller's Package API): is kapp-controller running?")
}
