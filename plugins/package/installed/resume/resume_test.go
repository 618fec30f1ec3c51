package resume_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledResume lets kapp-controller reconcile a paused install again.
func TestInstalledResume(t *testing.T) {
	pause := func(s *clitest.Server) {
		u := s.Object("packageinstalls", "tanzu-packages", "contour")
		_ = unstructured.SetNestedField(u.Object, true, "spec", "paused")
		s.Add(u)
	}
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "resume", Setup: pause, Args: clitest.Args("installed resume contour -n tanzu-packages"), Stdout: []string{"packageinstall.packaging.carvel.dev/contour resumed\n"},
			Check: clitest.Stored("packageinstalls", "tanzu-packages/contour", false, "spec", "paused")},
		{Name: "not found", Args: clitest.Args("installed resume nope -n tanzu-packages"), Code: 3, NoChanges: true},
		{Name: "no name", Args: clitest.Args("installed resume"), Code: 2, NoRequests: true},
	})
}
