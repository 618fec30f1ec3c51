package create_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/create"
)

// TestCreateOnTheAPIServer creates a cluster from a flat configuration
// file through the whole command, the seeded ClusterClass and TKRs read
// from the server, and waits while Cluster API brings it up.
func TestCreateOnTheAPIServer(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "waiting on a terminal", Setup: clustertest.Provision, TTY: true, Stdin: create.Config, Args: clitest.Args("create -f - --wait"),
			Stdout: []string{"cluster.cluster.x-k8s.io/wc-new created"}, Stderr: []string{"cluster default/wc-new is Available\n"},
			Check: clitest.All(clitest.Stored("clusters", "default/wc-new", "v1.30.2+vmware.1", "spec", "topology", "version"),
				func(t *testing.T, s *clitest.Server, _ clitest.Result) {
					raw, _ := s.Object("clusters", "default", "wc-new").MarshalJSON()
					if strings.Contains(string(raw), "VMware1!") {
						t.Error("the vSphere password reached the Cluster")
					}
				})},
		{Name: "server dry run", Stdin: create.Config, Args: clitest.Args("create -f - --dry-run=server -o name"), Stdout: []string{"cluster.cluster.x-k8s.io/wc-new\n"}, NoChanges: true},
		{Name: "another's cluster of that name", Stdin: strings.Replace(create.Config, "wc-new", "wc-prod-1", 1), Args: clitest.Args("create -f -"),
			Code: 1, Stderr: []string{`error: cluster "wc-prod-1" in namespace "default" already exists and is managed by "before-first-apply": pick another name, or change it with kubectl tko cluster scale, upgrade or node-pool set` + "\n"},
			Absent: []string{"rerun"}, NoChanges: true},
		{Name: "no file", Args: clitest.Args("create"), Code: 2, NoRequests: true},
	})
}
