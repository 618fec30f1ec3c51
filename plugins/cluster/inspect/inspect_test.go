package inspect_test

import (
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// TestInspectSummary sums both inspections of the seeded estate up: on
// wc-prod-1, Grafana's TLS Secret due in 10 days and the seeded posture
// error (cluster-admin for every service account) are its two errors; the
// in-memory server answering without credentials is a third.
func TestInspectSummary(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "every namespace", Args: clitest.Args("inspect -A"), Code: 1,
			Stdout: []string{
				"CLUSTER\tEARLIEST EXPIRY\tDAYS LEFT\tERRORS\tWARNINGS\tUNCHECKED\n",
				"default/wc-prod-1\t20", "\t10\t3\t1\t0\n",
				"team-a/wc-team-a\t",
				// Not provisioned: nothing in it to check, nothing unchecked.
				"default/wc-dev-1\t-\t-\t0\t0\t0\n",
			},
			Stderr: []string{"'kubectl tko cluster inspect security'"}, Absent: []string{"tkg-mgmt"}, NoChanges: true},
		{Name: "one cluster, json", Args: clitest.Args("inspect wc-prod-1 -o json"), Code: 1,
			Stdout: []string{`"cluster": "default/wc-prod-1"`, `"daysLeft": 10`, `"errors": 3`, `"certs": {`, `"security": {`},
			Absent: []string{"wc-team-a"}},
		{Name: "a short window", Args: clitest.Args("inspect wc-prod-1 --within 1d -o jsonpath={.clusters[0].errors}"), Code: 1, Stdout: []string{"2"}},
		{Name: "malformed window", Args: clitest.Args("inspect -A --within soon"), Code: 2, NoRequests: true},
	})
}

// TestInspectSummaryUnchecked: a cluster whose certificates were read but
// whose posture was not is not shown as clean.
func TestInspectSummaryUnchecked(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "posture unreadable", Args: clitest.Args("inspect wc-prod-1"), Code: 1,
			Setup: func(s *clitest.Server) {
				for _, r := range []string{"namespaces", "pods", "serviceaccounts", "networkpolicies", "clusterroles"} {
					s.Fail("list", r, apierrors.NewForbidden(schema.GroupResource{Resource: r}, "", nil))
				}
			},
			Stdout: []string{"default/wc-prod-1\t20", "\t10\t1\t0\t1\n"}},
	})
}
