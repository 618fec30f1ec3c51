package get_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestKubeconfigGet prints a seeded cluster's admin or Pinniped login
// kubeconfig, writes it to a file of its own, and refuses what it cannot
// give.
func TestKubeconfigGet(t *testing.T) {
	file := filepath.Join(t.TempDir(), "wc-prod-1.yaml")
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "admin", Args: clitest.Args("kubeconfig get wc-prod-1 --admin"),
			Stdout: []string{"current-context: wc-prod-1-admin@wc-prod-1\n", "token: clitest-tko-mgmt"}, NoChanges: true},
		{Name: "pinniped login", Args: clitest.Args("kubeconfig get wc-prod-1"),
			Stdout: []string{"current-context: wc-prod-1@wc-prod-1\n", "- login\n", "- https://pinniped-supervisor.tko.example.com/provider/pinniped\n"},
			Stderr: []string{"no working strategy"}, Absent: []string{"clitest-tko-mgmt"}},
		{Name: "export file", Args: []string{"kubeconfig", "get", "wc-prod-1", "--admin", "--export-file", file},
			Check: func(t *testing.T, _ *clitest.Server, r clitest.Result) {
				st, err := os.Stat(file)
				if err != nil || st.Mode().Perm() != 0o600 {
					t.Fatalf("export file: %v %v", st, err)
				}
				raw, _ := os.ReadFile(file)
				if !strings.Contains(string(raw), "wc-prod-1-admin@wc-prod-1") || strings.Contains(r.Stdout, "apiVersion") {
					t.Errorf("file %s, stdout %q", raw, r.Stdout)
				}
			}},
		{Name: "not provisioned", Args: clitest.Args("kubeconfig get wc-dev-1 --admin"), Code: 3, Stderr: []string{"wc-dev-1-kubeconfig"}},
		{Name: "no identity management", Setup: func(s *clitest.Server) {
			s.Fail("get", "configmaps", apierrors.NewNotFound(schema.GroupResource{Resource: "configmaps"}, "pinniped-info"))
		},
			Args: clitest.Args("kubeconfig get wc-prod-1"), Code: 2, Stderr: []string{"use --admin"}},
		{Name: "merge and export", Args: clitest.Args("kubeconfig get wc-prod-1 --merge --export-file x"), Code: 2, Stderr: []string{"cannot be used together"}, NoRequests: true},
	})
}
