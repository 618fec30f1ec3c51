package apply_test

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

// stack is a stack file of two installs, the second on the first.
const stack = `apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata: {name: edge}
spec:
  namespace: tanzu-packages
  installs:
  - name: dns
    package: external-dns.tanzu.vmware.com
    dependsOn: [ingress]
  - name: ingress
    package: contour.tanzu.vmware.com
`

// TestApply applies package stacks in dependency order, stopping at the
// first install that fails, and checks every install before changing any.
func TestApply(t *testing.T) {
	clitest.RunCases(t, pkg.Plugin(), []clitest.Case{
		{Name: "stack from stdin", Server: clitest.PackagesEstate, Args: clitest.Args("apply -f -"), Stdin: stack,
			Stdout: []string{"WAVE\tNAMESPACE\tNAME", "1\ttanzu-packages\tingress\tcontour.tanzu.vmware.com\t1.26.1+vmware.1-tkg.1\tcreate\t", "2\ttanzu-packages\tdns\texternal-dns.tanzu.vmware.com\t"},
			Stderr: []string{"tanzu-packages/ingress created", "tanzu-packages/dns reconciled"},
			Check:  clitest.Present("packageinstalls", "tanzu-packages/dns", "tanzu-packages/ingress")},
		{Name: "profile stops at a failure", Server: clitest.PackagesEstate, Args: clitest.Args("apply --profile tko-shared-services"), Code: 1,
			Stdout: []string{"3\ttanzu-packages\tprometheus\t", "unchanged\tReconcileFailed"},
			Stderr: []string{"error: stopped at prometheus", "not applied: grafana", "ProgressDeadlineExceeded"},
			Check:  clitest.Gone("packageinstalls", "tanzu-packages/grafana")},
		{Name: "dry run", Server: clitest.PackagesEstate, Args: clitest.Args("apply --profile tko-shared-services --dry-run"),
			Stdout: []string{"4\ttanzu-packages\tgrafana\tgrafana.tanzu.vmware.com\t10.0.1+vmware.1-tkg.1\tcreate\t-"}, NoChanges: true},
		{Name: "packages missing", Args: clitest.Args("apply --profile tko-shared-services"), Code: 2,
			Stderr: []string{"nothing was applied", `line 10: cert-manager: package "cert-manager.tanzu.vmware.com" not found`}, NoChanges: true},
		{Name: "export", Args: clitest.Args("apply --profile tko-shared-services --export"), Stdout: []string{"kind: PackageStack", "name: tko-shared-services"}, NoRequests: true},
		{Name: "unknown profile", Args: clitest.Args("apply --profile nope"), Code: 2, Stderr: []string{`unknown profile "nope"`}, NoRequests: true},
		{Name: "no stack", Args: clitest.Args("apply"), Code: 2, Stderr: []string{"give a stack with -f FILE or --profile NAME"}, NoRequests: true},
		{Name: "bad stack", Args: clitest.Args("apply -f -"), Stdin: "kind: PackageStack\nspec: {installs: [{name: a}]}\n", Code: 2, NoRequests: true},
	})
}
