package get_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestInstalledGet describes a seeded install.
func TestInstalledGet(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "summary", Args: clitest.Args("installed get contour -n tanzu-packages"),
			Stdout: []string{"Name:             contour\n", "Package:          contour.tanzu.vmware.com\n", "Status:           ReconcileSucceeded\n", "Values:           Secret contour-tanzu-packages-values (print with --values)\n"}, NoChanges: true},
		{Name: "failed", Args: clitest.Args("installed get prometheus -n tanzu-packages"), Stdout: []string{"Status:           ReconcileFailed\n", "ProgressDeadlineExceeded"}},
		{Name: "values", Setup: func(s *clitest.Server) {
			s.AddYAML("apiVersion: v1\nkind: Secret\nmetadata: {name: contour-tanzu-packages-values, namespace: tanzu-packages}\nstringData: {}\ndata: {values.yaml: Y29udG91cjoge3JlcGxpY2FzOiAzfQo=}\n")
		}, Args: clitest.Args("installed get contour -n tanzu-packages --values"), Stdout: []string{"contour: {replicas: 3}"}},
		{Name: "as yaml", Args: clitest.Args("installed get contour -n tanzu-packages -o yaml"), Stdout: []string{"kind: PackageInstall", "name: contour"}},
		{Name: "not found", Args: clitest.Args("installed get nope -n tanzu-packages"), Code: 3, Stderr: []string{"nope"}},
		{Name: "no name", Args: clitest.Args("installed get"), Code: 2, NoRequests: true},
	})
}
