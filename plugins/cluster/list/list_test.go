package list_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/clustertest"
)

// TestList runs `cluster list` against the seeded estate: every workload
// cluster with its state, the management cluster only when asked, and
// refusals before any request.
func TestList(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "all namespaces", Args: clitest.Args("list -A"),
			Stdout: []string{"NAMESPACE\tNAME\tCLASS", "default\twc-prod-1\t", "\tAvailable\t", "team-a\twc-team-a\t", "\tDegraded\t", "\tFailed\t", "\tDeleting\t", "tkc-guest-1\tTanzuKubernetesCluster"},
			Absent: []string{"tkg-mgmt"}, NoChanges: true},
		{Name: "one namespace", Args: clitest.Args("list -n team-a"),
			Stdout: []string{"wc-team-a", "wc-failed"}, Absent: []string{"wc-prod-1", "NAMESPACE"}},
		{Name: "management cluster", Args: clitest.Args("list -A --include-management-cluster -o name"),
			Stdout: []string{"cluster.cluster.x-k8s.io/tkg-mgmt\n", "cluster.cluster.x-k8s.io/wc-prod-1\n"}},
		{Name: "wide", Args: clitest.Args("list -n default -o wide"),
			Stdout: []string{"\tTKR\tVM-CLASS\tPLAN\tROLE\tENDPOINT\tMESSAGE", "v1.30.2---vmware.1-tkg.1\t-\tprod\tworkload\t10.20.0.21:6443"}},
		{Name: "TanzuKubernetesCluster, wide", Setup: clustertest.SeedTKCs, Args: clitest.Args("list -n vsphere-ns-2 -o wide"),
			Stdout: []string{"\tTanzuKubernetesCluster\t", "\t" + clustertest.TKRCurrent + "\tbest-effort-small,best-effort-medium\t-\tworkload\t"}},
		{Name: "selector", Args: clitest.Args("list -A -l networking.tkg.tanzu.vmware.com/avi=install-ako-for-all -o name"),
			Stdout: []string{"/wc-prod-1\n", "/wc-team-a\n"}, Absent: []string{"wc-dev-1"}},
		{Name: "nothing found", Args: clitest.Args("list -n kube-public"), Stderr: []string{"No"}},
		{Name: "bad output", Args: clitest.Args("list -o table"), Code: 2, Stderr: []string{"table"}, NoRequests: true},
		{Name: "bad flag", Args: clitest.Args("list --bogus"), Code: 2, Stderr: []string{"unknown flag: --bogus"}, NoRequests: true},
		{Name: "no Cluster API", Setup: func(s *clitest.Server) { s.Unserve(capi.Group) }, Args: clitest.Args("list -A"),
			Code: 3, Stderr: []string{"cluster.x-k8s.io"}},
	})
}

// TestListAllContexts lists the clusters of every management cluster of
// the kubeconfig, each row under its context.
func TestListAllContexts(t *testing.T) {
	a, b := clitest.Estate(t), clitest.NewServer(t)
	b.Context = "tko-mgmt-2"
	b.AddYAML(`
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: wc-edge-1, namespace: default}
spec: {topology: {classRef: {name: tkg-vsphere-default-v1.2.0}, version: v1.31.1+vmware.2}}
`)
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, a, b)}.Run(t, "list", "-A", "--all-contexts")
	r.Check(t, 0, "CONTEXT\t", "tko-mgmt\tdefault\twc-prod-1\t", "tko-mgmt-2\tdefault\twc-edge-1\t")
}

// TestListAllContextsStreams: on a terminal the rows of a context that
// answered are shown while a slow one is pending, in columns fixed from
// the start; the slow one's row comes when its time is up, though its
// name sorts first.
func TestListAllContextsStreams(t *testing.T) {
	slow, fast := clitest.NewServer(t), clitest.NewServer(t)
	clitest.SlowAndFast(t, slow, fast, "clusters")
	fast.AddYAML(`
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: wc-edge-1, namespace: default}
spec: {topology: {classRef: {name: tkg-vsphere-default-v1.2.0}, version: v1.31.1+vmware.2}}
`)
	r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: clitest.Kubeconfig(t, slow, fast), TTY: true}.
		Run(t, "list", "-A", "--all-contexts", "--target-timeout", "1s")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if r.Code != 0 || len(lines) != 3 {
		t.Fatalf("%s", r)
	}
	if !strings.HasPrefix(lines[1], "zzz-fast ") || !strings.HasPrefix(lines[2], "aaa-slow ") || !strings.Contains(lines[2], "Error: ") {
		t.Errorf("the answering context's rows are not first:\n%s", r.Stdout)
	}
	clitest.ColumnsLineUp(t, r.Stdout, lines[0], lines[1:2], "NAMESPACE", "NAME", "CLASS")
}

// TestListAsksNoDiscovery: the list knows its resources, so each context
// costs two lists and nothing else, a round trip less on a WAN.
func TestListAsksNoDiscovery(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{{Name: "known resources", Args: clitest.Args("list -A"),
		Stdout: []string{"wc-prod-1"},
		Check: func(t *testing.T, s *clitest.Server, _ clitest.Result) {
			var got []string
			for _, r := range s.Requests() {
				got = append(got, r.Method+" "+r.Path)
			}
			want := []string{"GET /apis/cluster.x-k8s.io/v1beta2/clusters", "GET /apis/run.tanzu.vmware.com/v1alpha3/tanzukubernetesclusters"}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("requests %q, want %q", got, want)
			}
		}}})
}
