package add_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// TestRepositoryAdd adds repositories from an image, a directory and git,
// and refuses sources it cannot use before any request.
func TestRepositoryAdd(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "packages"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "packages", "p.yml"), []byte("apiVersion: data.packaging.carvel.dev/v1alpha1\nkind: Package\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "image, waiting", Server: clitest.PackagesEstate, Args: clitest.Args("repository add r1 -n tkg-system --url projects.example.com/repo:v1 --wait"),
			Stdout: []string{"packagerepository.packaging.carvel.dev/r1 created\n"}, Stderr: []string{"package repository tkg-system/r1 reconciled"},
			Check: clitest.Stored("packagerepositories", "tkg-system/r1", "projects.example.com/repo:v1", "spec", "fetch", "imgpkgBundle", "image")},
		{Name: "inline directory", Args: []string{"repository", "add", "r2", "-n", "tkg-system", "--inline-dir", dir},
			Stdout: []string{"packagerepository.packaging.carvel.dev/r2 created\n"},
			Check:  clitest.Stored("packagerepositories", "tkg-system/r2", "apiVersion: data.packaging.carvel.dev/v1alpha1\nkind: Package\n", "spec", "fetch", "inline", "paths", "packages/p.yml")},
		{Name: "git dry run", Args: clitest.Args("repository add r3 -n tkg-system --git https://github.com/example/packages@v1.2.0 --dry-run"),
			Stdout: []string{"r3 created (dry run)"}, NoChanges: true},
		{Name: "exists", Args: clitest.Args("repository add tanzu-standard -n tkg-system --url projects.example.com/repo:v1"), Code: 1, Stderr: []string{"already exists with another source", "repository update"}, NoChanges: true},
		{Name: "url with scheme", Args: clitest.Args("repository add r1 --url https://x/y"), Code: 2, Stderr: []string{"without a scheme"}, NoRequests: true},
		{Name: "git without ref", Args: clitest.Args("repository add r1 --git https://github.com/example/packages"), Code: 2, Stderr: []string{"add the ref after @"}, NoRequests: true},
		{Name: "two sources", Args: clitest.Args("repository add r1 --url a/b:1 --git https://x@v1"), Code: 2, Stderr: []string{"give exactly one source"}, NoRequests: true},
	})
}
