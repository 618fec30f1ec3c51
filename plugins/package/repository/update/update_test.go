package update_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryUpdate points the seeded repository at another source.
func TestRepositoryUpdate(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "new image", Args: clitest.Args("repository update tanzu-standard -n tkg-system --url projects.example.com/repo:v2"),
			Stdout: []string{"packagerepository.packaging.carvel.dev/tanzu-standard updated\n"},
			Check:  clitest.Stored("packagerepositories", "tkg-system/tanzu-standard", "projects.example.com/repo:v2", "spec", "fetch", "imgpkgBundle", "image")},
		{Name: "dry run", Args: clitest.Args("repository update tanzu-standard -n tkg-system --url projects.example.com/repo:v2 --dry-run"), Stdout: []string{"(dry run)"}, NoChanges: true},
		{Name: "not found", Args: clitest.Args("repository update nope -n tkg-system --url projects.example.com/repo:v2"), Code: 3, NoChanges: true},
		{Name: "no source", Args: clitest.Args("repository update tanzu-standard"), Code: 2, NoRequests: true},
	})
}
