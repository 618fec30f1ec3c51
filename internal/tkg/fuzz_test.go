package tkg

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// FuzzFlatConfig: any file read as a cluster configuration is mapped onto
// a Cluster or refused with problems; it never panics.
func FuzzFlatConfig(f *testing.F) {
	f.Add([]byte("CLUSTER_NAME: wc-1\nCONTROL_PLANE_MACHINE_COUNT: 3\nWORKER_MACHINE_COUNT: 2\nVSPHERE_SERVER: vcsa\nVSPHERE_WORKER_NUM_CPUS: two\n"))
	f.Add([]byte("CLUSTER_NAME: wc-2\nCLUSTER_PLAN: prod\nAVI_CONTROL_PLANE_HA_PROVIDER: true\nNODE_POOL_0_NAME: np\nAPISERVER_EXTRA_ARGS: \"a=b;c=d\"\n"))
	f.Add([]byte("CLUSTER_NAME: [\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		docs, err := yamldoc.Parse("fuzz.yaml", raw)
		if err != nil || len(docs) != 1 {
			return
		}
		m, ok := docs[0].Data.(map[string]any)
		if !ok || !IsFlatConfig(m) {
			return
		}
		lines := map[string]int{}
		for k := range m {
			lines[k] = docs[0].Line(k)
		}
		c := NewConfig(m, lines)
		_ = c.Validate()
		if u := c.Cluster("cluster.x-k8s.io/v1beta2", c.ClassName("tkg-vsphere-default-v1.2.0"), "v1.30.2+vmware.1"); u == nil {
			t.Fatal("no Cluster")
		}
	})
}
