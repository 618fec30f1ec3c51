package certs_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

// rolloutAfter is what --rotate stored on wc-prod-1's control plane.
func rolloutAfter(s *clitest.Server) string {
	v, _ := s.Field("kubeadmcontrolplanes", "default/wc-prod-1-cp", "spec", "rollout", "after").(string)
	return v
}

// TestRotate renews the control-plane certificates the Cluster API way:
// rolloutAfter on the KubeadmControlPlane, checked first with --dry-run,
// refused on a cluster that is not Available, waited for with --wait.
func TestRotate(t *testing.T) {
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "dry run", Args: clitest.Args("inspect certs --rotate wc-prod-1 --dry-run"), NoChanges: true,
			Stdout: []string{"kubeadmcontrolplane.controlplane.cluster.x-k8s.io/wc-prod-1-cp patched (dry run)\n"},
			Stderr: []string{"spec.rollout.after set to now: Cluster API would replace the 3 control-plane machine(s) of default/wc-prod-1 one by one"}},
		{Name: "rolls", Args: clitest.Args("inspect certs --rotate wc-prod-1"),
			Stdout: []string{"kubeadmcontrolplane.controlplane.cluster.x-k8s.io/wc-prod-1-cp patched\n"},
			Check: func(t *testing.T, s *clitest.Server, r clitest.Result) {
				if rolloutAfter(s) == "" {
					t.Fatal("no spec.rollout.after stored")
				}
			}},
		{Name: "refuses a cluster that is not Available", Args: clitest.Args("inspect certs --rotate wc-team-a"), Code: 1, NoChanges: true,
			Stderr: []string{"cluster team-a/wc-team-a is Degraded, not Available: rolling its control plane now could take it down; fix it first"}},
		{Name: "waits for the rollout", Args: clitest.Args("inspect certs --rotate wc-prod-1 --wait --timeout 20s"),
			Setup: func(s *clitest.Server) {
				// The KubeadmControlPlane controller's turn: it observes the
				// new generation and replaces the machines, writing status.
				s.After("patch", "kubeadmcontrolplanes", func(r clitest.Request) {
					done := r.Object.DeepCopy()
					_ = unstructured.SetNestedField(done.Object, done.GetGeneration(), "status", "observedGeneration")
					s.Add(done)
				})
			},
			Stderr: []string{"the control plane of cluster default/wc-prod-1 rolled out: its certificates are renewed"}},
		{Name: "a wait cut short says the rollout goes on", Args: clitest.Args("inspect certs --rotate wc-prod-1 --wait --timeout 1s"), Code: 4,
			Stderr: []string{"the rollout of cluster default/wc-prod-1 was started and Cluster API goes on with it", "0/3 control-plane machines up to date"},
			Setup: func(s *clitest.Server) {
				s.After("patch", "kubeadmcontrolplanes", func(r clitest.Request) {
					rolling := r.Object.DeepCopy()
					_ = unstructured.SetNestedField(rolling.Object, rolling.GetGeneration(), "status", "observedGeneration")
					_ = unstructured.SetNestedField(rolling.Object, int64(0), "status", "upToDateReplicas")
					s.Add(rolling)
				})
			}},
		// No controller: the new generation is never observed.
		{Name: "a rollout nobody acts on", Args: clitest.Args("inspect certs --rotate wc-prod-1 --wait --timeout 1s"), Code: 4,
			Stderr: []string{"goes on with it"}},
		{Name: "wait and dry run", Args: clitest.Args("inspect certs --rotate wc-prod-1 --dry-run --wait"), Code: 2, NoRequests: true},
		{Name: "rotate and a fleet", Args: clitest.Args("inspect certs --rotate wc-prod-1 -A"), Code: 2, NoRequests: true},
		{Name: "dry run without rotate", Args: clitest.Args("inspect certs -A --dry-run"), Code: 2, NoRequests: true},
		{Name: "rotate a cluster that does not exist", Args: clitest.Args("inspect certs --rotate wc-nope"), Code: 3, NoChanges: true},
	})
}
