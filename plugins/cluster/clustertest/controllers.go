package clustertest

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
)

// Provision makes the test server's Clusters come up as Cluster API's
// controllers bring them up: each stored change leaves the cluster
// Available at its generation, with the machines its topology asks for.
func Provision(s *clitest.Server) {
	up := func(r clitest.Request) {
		u := r.Object
		cp, _, _ := unstructured.NestedInt64(u.Object, "spec", "topology", "controlPlane", "replicas")
		mds, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "workers", "machineDeployments")
		var workers int64
		for _, md := range mds {
			if n, ok := md.(map[string]any)["replicas"].(int64); ok {
				workers += n
			}
		}
		s.Add(Available(u, cp, workers))
	}
	for _, verb := range []string{"create", "update", "patch"} {
		s.After(verb, "clusters", up)
	}
}
