package apply_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun/upgraderuntest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

const (
	from = "v1.30.2+vmware.1"
	to   = "v1.31.1+vmware.2"
)

// fleet is the seeded estate with three workload clusters that can move
// to v1.31 (the management cluster already there): wc-prod-1 a canary,
// wc-prod-2 and wc-prod-3 copies of it with machines of their own, all
// answering on one healthy workload API server.
func fleet(t *testing.T) *clitest.Server {
	s := clitest.Estate(t)
	wl := clitest.NewServer(t)
	mgmt := s.Object("clusters", "tkg-system", "tkg-mgmt")
	_ = unstructured.SetNestedField(mgmt.Object, to, "spec", "topology", "version")
	s.Add(mgmt)
	wc := s.Object("clusters", "default", "wc-prod-1")
	l := wc.GetLabels()
	l["tko.tanzu.vmware.com/canary"] = "true"
	wc.SetLabels(l)
	s.Add(wc)
	s.AddWorkloadCluster("default", "wc-prod-1", wl)
	for _, name := range []string{"wc-prod-2", "wc-prod-3"} {
		c := wc.DeepCopy()
		c.SetName(name)
		c.SetResourceVersion("")
		l := c.GetLabels()
		delete(l, "tko.tanzu.vmware.com/canary")
		c.SetLabels(l)
		s.Add(c)
		for _, m := range s.Objects("machines", "default") {
			if m.GetLabels()["cluster.x-k8s.io/cluster-name"] != "wc-prod-1" {
				continue
			}
			m = m.DeepCopy()
			m.SetName(strings.Replace(m.GetName(), "wc-prod-1", name, 1))
			m.SetResourceVersion("")
			ml := m.GetLabels()
			ml["cluster.x-k8s.io/cluster-name"] = name
			m.SetLabels(ml)
			m.SetOwnerReferences(nil)
			s.Add(m)
		}
		s.AddWorkloadCluster("default", name, wl)
	}
	return s
}

// controller plays Cluster API's topology controller on s until the test ends.
func controller(t *testing.T, s *clitest.Server) *upgraderuntest.Topology {
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	topo := &upgraderuntest.Topology{Dyn: dyn}
	go topo.Run(ctx)
	return topo
}

func writePlan(t *testing.T, s *clitest.Server) string {
	r := s.Run(cluster.Plugin(), clitest.Args("upgrade plan -n default --wave-size 1 -o yaml")...)
	r.Check(t, 0)
	file := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(file, []byte(r.Stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func version(s *clitest.Server, name string) any {
	return s.Field("clusters", "default/"+name, "spec", "topology", "version")
}

func machinesAt(s *clitest.Server, name, v string) (at, total int) {
	for _, m := range s.Objects("machines", "default") {
		if m.GetLabels()["cluster.x-k8s.io/cluster-name"] != name {
			continue
		}
		total++
		if got, _, _ := unstructured.NestedString(m.Object, "spec", "version"); got == v {
			at++
		}
	}
	return at, total
}

func status(t *testing.T, s *clitest.Server) upgraderun.Run {
	r := s.Run(cluster.Plugin(), clitest.Args("upgrade status -o json")...)
	r.Check(t, 0)
	var run upgraderun.Run
	if err := json.Unmarshal([]byte(r.Stdout), &run); err != nil {
		t.Fatalf("status: %v\n%s", err, r)
	}
	return run
}

func updatesOf(s *clitest.Server, name string) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Verb == "update" && r.Resource.Resource == "clusters" && r.Name == name && r.Subresource == "" {
			n++
		}
	}
	return n
}

// TestApplyStopsAtAClusterThatNeverBecomesAvailableAndResumes runs three
// waves; the second cluster never becomes Available, so the run stops
// there and the third is never touched. Once the cluster is fixed,
// --resume finishes without writing the first cluster again.
func TestApplyStopsAtAClusterThatNeverBecomesAvailableAndResumes(t *testing.T) {
	s := fleet(t)
	topo := controller(t, s)
	topo.Break("default/wc-prod-2")
	file := writePlan(t, s)

	r := s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--skip-backup", "--timeout", "3s")
	r.CheckErr(t, 4, "stopped in wave 2 of 3 (done: default/wc-prod-1; failed: default/wc-prod-2; not done: default/wc-prod-3)",
		"resume: kubectl tko cluster upgrade apply --resume", "timed out after 3s waiting for cluster default/wc-prod-2")
	if !strings.Contains(r.Stderr, "warning: --skip-backup: no Velero backup is taken") {
		t.Errorf("--skip-backup not said:\n%s", r.Stderr)
	}
	if v := version(s, "wc-prod-1"); v != to {
		t.Errorf("wc-prod-1 at %v", v)
	}
	if at, total := machinesAt(s, "wc-prod-1", to); at != total || total == 0 {
		t.Errorf("wc-prod-1: %d of %d machines at %s", at, total, to)
	}
	if v := version(s, "wc-prod-3"); v != from {
		t.Errorf("wc-prod-3 was touched: %v", v)
	}
	run := status(t, s)
	if run.Phase != upgraderun.PhaseFailed || run.Wave != 2 || run.Clusters[0].State != upgraderun.StateDone ||
		run.Clusters[1].State != upgraderun.StateFailed || run.Clusters[2].State != upgraderun.StatePending {
		t.Fatalf("state after the failure: %+v", run)
	}

	// A second run is refused while this one holds the state.
	s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--skip-backup").CheckErr(t, 2, "an upgrade run is Failed in namespace tkg-system")

	topo.Fix("default/wc-prod-2")
	rolled := topo.Rolled("default/wc-prod-1")
	before := updatesOf(s, "wc-prod-1")
	r = s.Run(cluster.Plugin(), "upgrade", "apply", "--resume", "--timeout", "20s")
	r.Check(t, 0, "default/wc-prod-3\tDone\t1/1\t"+to)
	if !strings.Contains(r.Stderr, "wave 2: default/wc-prod-2: Upgrading to "+to+" (written before: waited on, not upgraded again)") {
		t.Errorf("wc-prod-2 was not waited on as written:\n%s", r.Stderr)
	}
	if updatesOf(s, "wc-prod-1") != before || topo.Rolled("default/wc-prod-1") != rolled {
		t.Errorf("the resume upgraded wc-prod-1 again")
	}
	for _, name := range []string{"wc-prod-2", "wc-prod-3"} {
		if at, total := machinesAt(s, name, to); version(s, name) != to || at != total {
			t.Errorf("%s at %v, %d of %d machines", name, version(s, name), at, total)
		}
	}
	if run := status(t, s); run.Phase != upgraderun.PhaseFinished {
		t.Errorf("phase %s", run.Phase)
	}
	// A finished run frees the state: nothing to resume, a new plan may run.
	s.Run(cluster.Plugin(), "upgrade", "apply", "--resume").CheckErr(t, 2, "the upgrade run is Finished: nothing to resume")
}
