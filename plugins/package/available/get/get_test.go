package get_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestAvailableGet describes a package of the seeded repository, its
// values schema and defaults.
func TestAvailableGet(t *testing.T) {
	defaults := filepath.Join(t.TempDir(), "contour.yaml")
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "package", Server: clitest.PackagesEstate, Args: clitest.Args("available get contour.tanzu.vmware.com -n tanzu-packages"),
			Stdout: []string{"Name:               contour.tanzu.vmware.com\n", "Versions:           1.26.1+vmware.1-tkg.1, 1.25.2+vmware.1-tkg.1\n"}, NoChanges: true},
		{Name: "values schema", Server: clitest.PackagesEstate, Args: clitest.Args("available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 -n tanzu-packages --values-schema"),
			Stdout: []string{"KEY\tTYPE\tDEFAULT\tDESCRIPTION\n", "contour.replicas\tinteger\t2\tContour replicas.\n"}},
		{Name: "default values", Server: clitest.PackagesEstate, Args: []string{"available", "get", "contour.tanzu.vmware.com", "-n", "tanzu-packages", "--default-values-file-output", defaults},
			Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				raw, err := os.ReadFile(defaults)
				if err != nil || !strings.Contains(string(raw), "replicas: 2") {
					t.Errorf("default values file: %q %v", raw, err)
				}
			}},
		{Name: "unknown version", Server: clitest.PackagesEstate, Args: clitest.Args("available get contour.tanzu.vmware.com/9.9.9 -n tanzu-packages"), Code: 3, Stderr: []string{"9.9.9"}},
		{Name: "no packages", Args: clitest.Args("available get contour.tanzu.vmware.com -n tanzu-packages"), Code: 3, Stderr: []string{`package "contour.tanzu.vmware.com" not found`}},
		{Name: "no name", Args: clitest.Args("available get"), Code: 2, NoRequests: true},
	})
}
