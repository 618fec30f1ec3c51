package packages

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

const helloPackage = `apiVersion: data.packaging.carvel.dev/v1alpha1
kind: PackageMetadata
metadata: {name: hello.tko.dev}
spec: {displayName: hello, shortDescription: "A greeting"}
---
apiVersion: data.packaging.carvel.dev/v1alpha1
kind: Package
metadata: {name: hello.tko.dev.1.0.0}
spec:
  refName: hello.tko.dev
  version: 1.0.0
  template:
    spec:
      fetch:
      - inline:
          paths:
            config.yml: |
              apiVersion: v1
              kind: ConfigMap
              metadata: {name: hello}
              data: {greeting: hi}
      template:
      - ytt: {}
      deploy:
      - kapp: {}
`

func TestRepositoryLifecycle(t *testing.T) {
	ready(t)
	e := suite.New(t)
	ns := e.Namespace()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "packages", "hello.tko.dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "packages", "hello.tko.dev", "1.0.0.yml"), []byte(helloPackage), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "package", "repository", "add", "dev", "-n", ns, "--inline-dir", dir, "--dry-run").Success().StdoutContains("dev created (dry run)")
	e.Kubectl("tko", "package", "repository", "add", "dev", "-n", ns, "--inline-dir", dir, "--wait").Success().
		StdoutContains("packagerepository.packaging.carvel.dev/dev created").StderrContains("package repository " + ns + "/dev reconciled")
	e.Kubectl("tko", "package", "repository", "add", "dev", "-n", ns, "--inline-dir", dir).Success().StdoutContains("dev unchanged")
	e.Kubectl("tko", "package", "repository", "list", "-n", ns).Success().StdoutContains("dev\t(inline) 1 files\tReconcileSucceeded")
	e.Kubectl("tko", "package", "repository", "get", "dev", "-n", ns).Success().StdoutContains("Status:      ReconcileSucceeded")
	// Its package is available in its namespace, next to the global ones.
	e.Kubectl("tko", "package", "available", "list", "-n", ns).Success().StdoutContains("hello.tko.dev\thello\tA greeting\t1.0.0", "contour.tanzu.vmware.com")
	e.Kubectl("tko", "package", "install", "hello", "-p", "hello.tko.dev", "-n", ns, "--wait").Success()
	get(t, configMaps, ns, "hello")
	e.Kubectl("tko", "package", "repository", "kick", "dev", "-n", ns, "--wait").Success().StdoutContains("dev kicked")

	e.Kubectl("tko", "package", "repository", "add", "dev", "-n", ns, "--url", "registry.example.com/repo:1.0.0").ExitCode(explain.ExitFailure).
		OneLineError("already exists with another source", "repository update")
	e.Kubectl("tko", "package", "repository", "add", "x", "-n", ns, "--git", "https://github.com/example/packages").ExitCode(explain.ExitUsage).
		OneLineError("add the ref after @")
	e.Kubectl("tko", "package", "repository", "add", "x", "-n", ns, "--git", "https://github.com/example/packages@origin/main", "--dry-run", "-o", "jsonpath={.spec.fetch.git}").Success().
		StdoutContains(`"ref":"origin/main"`, `"url":"https://github.com/example/packages"`)
	e.Kubectl("tko", "package", "repository", "add", "x", "-n", ns, "--git", "git@github.com:example/packages.git").ExitCode(explain.ExitUsage).
		OneLineError("add the ref after @")
	e.Kubectl("tko", "package", "repository", "add", "x", "-n", ns, "--url", "https://registry.example.com/repo").ExitCode(explain.ExitUsage).
		OneLineError("without a scheme")
	e.Kubectl("tko", "package", "repository", "add", "x", "-n", ns).ExitCode(explain.ExitUsage).StderrContains("give exactly one source")
	e.Kubectl("tko", "package", "repository", "update", "nope", "-n", ns, "--url", "registry.example.com/repo:1").ExitCode(explain.ExitNotFound).
		OneLineError(`package repository "nope" not found`)
	// A repository that cannot be fetched: --wait reports kapp-controller's error.
	e.Kubectl("tko", "package", "repository", "add", "bad", "-n", ns, "--git", "file:///nonexistent/repo@v1", "--wait", "--timeout", "90s").
		ExitCode(explain.ExitFailure).StderrContains("package repository "+ns+"/bad failed to reconcile:", "vendir")

	e.Kubectl("tko", "package", "installed", "delete", "hello", "-n", ns, "--yes").Success()
	e.Kubectl("tko", "package", "repository", "delete", "dev", "bad", "-n", ns, "--yes").Success().StdoutContains("dev deleted", "bad deleted")
	e.Kubectl("tko", "package", "available", "list", "-n", ns).Success().StdoutLacks("hello.tko.dev")
}
