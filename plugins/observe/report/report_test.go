package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/observetest"
)

// TestReport writes one self-contained HTML file of the seeded estate's
// health and capacity.
func TestReport(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.html")
	clitest.RunCases(t, observe.Plugin(), []clitest.Case{
		{Name: "file", Server: observetest.Monitoring, Args: []string{"report", "--html", file, "-A"},
			Stdout: []string{"report written to " + file + " (1 cluster(s))\n"}, NoChanges: true,
			Check: func(t *testing.T, _ *clitest.Server, _ clitest.Result) {
				raw, err := os.ReadFile(file)
				html := string(raw)
				if err != nil || !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "wc-failed") || !strings.Contains(html, "fluent-bit-x7k2q") {
					t.Errorf("the report (%d bytes, %v) lacks the estate's findings", len(raw), err)
				}
			}},
		{Name: "stdout without prometheus", Args: clitest.Args("report --html - -A --no-prometheus"), Stdout: []string{"<title>TKO cluster report</title>", "unhealthy"}},
		// The management cluster's workload clusters' certificates: Grafana's
		// TLS Secret, due in 10 days, first.
		{Name: "certificates", Args: clitest.Args("report --html - -A --no-prometheus"),
			Stdout: []string{"<h2>Certificates (workload clusters of this management cluster)</h2>", "Expiring within 30d",
				"<td>Secret/tanzu-system-ingress/grafana-tls</td>", `<td class="warning">EXPIRING</td>`},
			Check: func(t *testing.T, _ *clitest.Server, r clitest.Result) {
				if strings.Index(r.Stdout, "grafana-tls") > strings.Index(r.Stdout, "control-plane certificates (kubeadm)") {
					t.Error("the certificate due soonest is not first")
				}
				if strings.Contains(r.Stdout, "PRIVATE KEY") {
					t.Error("the report holds a private key")
				}
			}},
		{Name: "no management cluster", Args: clitest.Args("report --html - -A --no-prometheus"),
			Setup:  func(s *clitest.Server) { s.Unserve("cluster.x-k8s.io") },
			Stdout: []string{"Certificates: the current context is not a management cluster"}},
		{Name: "bad certificate window", Args: clitest.Args("report --html - --certificates-within soon"), Code: 2,
			Stderr: []string{"--certificates-within"}, NoRequests: true},
		// The cluster's security posture: the privileged pod (an error)
		// before the warnings, with its check ID, object and fix.
		{Name: "security posture", Args: clitest.Args("report --html - -A --no-prometheus"),
			Setup: func(s *clitest.Server) {
				s.AddYAML(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: priv, namespace: shop}
spec:
  serviceAccountName: shop
  containers: [{name: app, image: "harbor.example.com/shop/app:1.0", securityContext: {privileged: true}}]
`)
			},
			Stdout: []string{"<h3>Security posture</h3>", `<td class="error">error</td><td>5.2.2</td><td>Privileged containers outside system namespaces</td><td>Pod/shop/priv (app)</td><td>remove securityContext.privileged`},
			Check: func(t *testing.T, _ *clitest.Server, r clitest.Result) {
				if i, j := strings.Index(r.Stdout, "<td>5.2.2</td>"), strings.Index(r.Stdout, "<td>5.3.2</td>"); i < 0 || j < 0 || i > j {
					t.Errorf("the error 5.2.2 (at %d) is not before the warning 5.3.2 (at %d)", i, j)
				}
			}},
		{Name: "no file", Args: clitest.Args("report -A"), Code: 2, Stderr: []string{"--html FILE is required"}, NoRequests: true},
		{Name: "bad range", Args: clitest.Args("report --html - --range -1h"), Code: 2, Stderr: []string{"--range must be positive"}, NoRequests: true},
	})
}
