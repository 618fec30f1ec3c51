package apply_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

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
	s, _ := fleetWith(t, nil)
	return s
}

// fleetWith is fleet whose workload API server is set up by setup first.
func fleetWith(t *testing.T, setup func(s, wl *clitest.Server)) (*clitest.Server, *clitest.Server) {
	s := clitest.Estate(t)
	wl := clitest.NewServer(t)
	if setup != nil {
		setup(s, wl)
	}
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
	return s, wl
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
	if partial.MatchString(r.Stderr) {
		t.Errorf("progress lines when piped:\n%s", r.Stderr)
	}
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

// TestApplyBacksUpEachClusterOfAWaveFirst: Velero (played: each backup
// Completed at once) backs up every cluster of a wave before any of its
// clusters is upgraded, and the status names each backup.
func TestApplyBacksUpEachClusterOfAWaveFirst(t *testing.T) {
	var atBackup []string
	s, _ := fleetWith(t, func(s, wl *clitest.Server) {
		wl.SeedVelero()
		wl.After("create", "backups", func(r clitest.Request) {
			u := r.Object
			now := time.Now().UTC().Format(time.RFC3339)
			u.Object["status"] = map[string]any{"phase": "Completed", "startTimestamp": now, "completionTimestamp": now}
			wl.Add(u)
			for _, name := range []string{"wc-prod-1", "wc-prod-2", "wc-prod-3"} {
				atBackup = append(atBackup, fmt.Sprintf("%s@%v", name, version(s, name)))
			}
		})
	})
	controller(t, s)
	file := writePlan(t, s)
	r := s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--timeout", "20s")
	r.Check(t, 0, "tko-pre-upgrade-wc-prod-3-")
	if strings.Contains(r.Stderr, "--skip-backup") {
		t.Errorf("a backup warning without --skip-backup:\n%s", r.Stderr)
	}
	// Backup n ran when the clusters of earlier waves had moved and n had not.
	if len(atBackup) != 9 || atBackup[0] != "wc-prod-1@"+from || atBackup[4] != "wc-prod-2@"+from || atBackup[3] != "wc-prod-1@"+to ||
		atBackup[8] != "wc-prod-3@"+from || atBackup[7] != "wc-prod-2@"+to {
		t.Errorf("backups not taken before each wave's upgrades: %v", atBackup)
	}
	for _, c := range status(t, s).Clusters {
		if !c.BackedUp || !strings.HasPrefix(c.Backup, "tko-pre-upgrade-") {
			t.Errorf("%s: backup %q completed %v", c.Cluster, c.Backup, c.BackedUp)
		}
	}
}

// bad edits a copy of the plan file.
func bad(t *testing.T, file string, edit func(string) string) string {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "edited.yaml")
	if err := os.WriteFile(out, []byte(edit(string(raw))), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func lineOf(t *testing.T, file, text string) int {
	raw, _ := os.ReadFile(file)
	for i, l := range strings.Split(string(raw), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%q not in %s", text, file)
	return 0
}

func TestApplyRefuses(t *testing.T) {
	t.Run("dry run", func(t *testing.T) {
		s := fleet(t)
		file := writePlan(t, s)
		r := s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--dry-run", "--soak", "10m")
		r.Check(t, 0, "wave 1 of 3:\n  back up default/wc-prod-1 (Velero, whole cluster)\n  upgrade cluster default/wc-prod-1: "+from+" → "+to+" (v1.31.1---vmware.2-tkg.2)\n",
			"  health gate: observe health on each cluster of the wave\n  soak 10m0s\n", "(dry run: nothing was changed)")
		s.NoChanges(t)
		s.Run(cluster.Plugin(), "upgrade", "status").CheckErr(t, 3, "no upgrade run in namespace tkg-system")
		var run upgraderun.Run
		r = s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--dry-run", "-o", "json")
		if err := json.Unmarshal([]byte(r.Stdout), &run); err != nil || run.Waves != 3 || len(run.Clusters) != 3 || run.Clusters[2].Steps[0].KubernetesVersion != to {
			t.Errorf("dry run as data: %v %+v\n%s", err, run, r)
		}
		s.NoChanges(t)
	})
	t.Run("a stale plan", func(t *testing.T) {
		s := fleet(t)
		file := writePlan(t, s)
		c := s.Object("clusters", "default", "wc-prod-2")
		_ = unstructured.SetNestedField(c.Object, "v1.30.3+vmware.1", "spec", "topology", "version")
		s.Add(c)
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file).CheckErr(t, 2,
			"the plan is older than the clusters: default/wc-prod-2 runs v1.30.3+vmware.1, the plan has "+from+": plan again")
		s.NoChanges(t)
	})
	t.Run("a plan file edited into nonsense", func(t *testing.T) {
		s := fleet(t)
		file := writePlan(t, s)
		edited := bad(t, file, func(p string) string {
			return strings.Replace(p, "  - default/wc-prod-3\n", "  - default/wc-nope\n", 1)
		})
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", edited).CheckErr(t, 2,
			fmt.Sprintf("%s:%d: waves.2.clusters.0: wave 3 names default/wc-nope, which is not among the plan's clusters", edited, lineOf(t, edited, "default/wc-nope")))
		edited = bad(t, file, func(p string) string { return strings.Replace(p, "kind: UpgradePlan", "kind: ConfigMap", 1) })
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", edited).CheckErr(t, 2, edited+":"+fmt.Sprint(lineOf(t, edited, "kind: ConfigMap"))+": kind: not an UpgradePlan")
		edited = bad(t, file, func(p string) string { return strings.Replace(p, "waves:", "waves: [\n", 1) })
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", edited).CheckErr(t, 2, edited+":")
		s.NoChanges(t)
	})
	t.Run("a blocked cluster in a wave", func(t *testing.T) {
		s := fleet(t)
		file := writePlan(t, s)
		edited := bad(t, file, func(p string) string {
			return strings.Replace(p, "- blockers: []\n  canary: true", "- blockers:\n  - {code: PodDisruptionBudgetBlocksDrain, cause: x, fix: y}\n  canary: true", 1)
		})
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", edited).CheckErr(t, 2, "is blocked (PodDisruptionBudgetBlocksDrain) and cannot be in a wave")
	})
	t.Run("a missing state namespace", func(t *testing.T) {
		s := fleet(t)
		file := writePlan(t, s)
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--state-namespace", "nope").CheckErr(t, 2,
			"namespace nope does not exist: create it (kubectl create namespace nope) or pass --state-namespace")
		s.NoChanges(t)
	})
	t.Run("planned now: an unknown target, a target below current", func(t *testing.T) {
		s := fleet(t)
		s.Run(cluster.Plugin(), "upgrade", "apply", "wc-prod-1", "--to", "v1.99.0---vmware.1-tkg.1").CheckErr(t, 3, "v1.99.0---vmware.1-tkg.1", "not found")
		s.Run(cluster.Plugin(), "upgrade", "apply", "wc-prod-1", "--to", "v1.29.9---vmware.1-tkg.1").CheckErr(t, 2, "older than default/wc-prod-1 (v1.30.2+vmware.1)")
		s.NoChanges(t)
	})
	t.Run("planned now: blocked clusters are in no wave", func(t *testing.T) {
		s := clitest.Estate(t)
		r := s.Run(cluster.Plugin(), "upgrade", "apply", "--all-workload-clusters", "--skip-backup")
		r.Check(t, 0)
		if !strings.Contains(r.Stderr, "blocker: team-a/wc-team-a: ") || !strings.Contains(r.Stderr, "nothing to upgrade: no cluster of the plan is in a wave") {
			t.Errorf("stderr:\n%s", r.Stderr)
		}
		s.NoChanges(t)
	})
	t.Run("flags", func(t *testing.T) {
		s := fleet(t)
		s.Run(cluster.Plugin(), "upgrade", "apply").CheckErr(t, 2, "missing what to run")
		s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", "p.yaml", "--to", "v1.31.1").CheckErr(t, 2, "not both")
		s.Run(cluster.Plugin(), "upgrade", "apply", "--resume", "--dry-run").CheckErr(t, 2, "--dry-run renders a plan")
		s.Run(cluster.Plugin(), "upgrade", "apply", "--resume", "--skip-backup").CheckErr(t, 2, "the resumed run keeps its choice")
		s.NoRequests(t)
	})
	t.Run("the management cluster unreachable", func(t *testing.T) {
		r := clitest.Cmd{Plugin: cluster.Plugin(), Kubeconfig: unreachableKubeconfig(t)}.Run(t, "upgrade", "apply", "--resume")
		r.CheckErr(t, 6, "cannot reach the Kubernetes API server")
	})
}

func unreachableKubeconfig(t *testing.T) string {
	s := clitest.NewServer(t)
	cfg := clitest.Config(s)
	for _, c := range cfg.Clusters {
		c.Server = "https://127.0.0.1:1"
	}
	return clitest.WriteKubeconfig(t, cfg)
}

// TestAbort marks a stopped run aborted from another command: status says
// so, nothing is rolled back, and a new plan may run.
func TestAbort(t *testing.T) {
	s := fleet(t)
	topo := controller(t, s)
	topo.Break("default/wc-prod-1")
	file := writePlan(t, s)
	s.Run(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--skip-backup", "--timeout", "1s").CheckErr(t, 4, "stopped in wave 1 of 3")
	s.Run(cluster.Plugin(), "upgrade", "abort").Check(t, 0,
		"upgrade run aborted in wave 1 of 3 (done: none; failed: default/wc-prod-1; not done: default/wc-prod-2, default/wc-prod-3); nothing was rolled back")
	r := s.Run(cluster.Plugin(), "upgrade", "status")
	r.Check(t, 0, "1\tdefault/wc-prod-1\tFailed\t0/1\t"+from+"\t")
	if !strings.Contains(r.Stderr, "upgrade run Aborted, wave 1 of 3") {
		t.Errorf("status:\n%s", r)
	}
	if version(s, "wc-prod-1") != to {
		t.Errorf("the abort rolled back wc-prod-1")
	}
	s.Run(cluster.Plugin(), "upgrade", "abort").Check(t, 0, "the upgrade run is Aborted: nothing to abort")
	s.Run(cluster.Plugin(), "upgrade", "apply", "--resume").CheckErr(t, 2, "the upgrade run is Aborted: nothing to resume")
}

// On a terminal the run shows machines rolled per cluster as they go;
// piped, one line per state change.
func TestApplyProgress(t *testing.T) {
	s := fleet(t)
	controller(t, s)
	file := writePlan(t, s)
	r := s.RunTTY(cluster.Plugin(), "upgrade", "apply", "--plan", file, "--skip-backup", "--timeout", "20s", "--wave-size", "3")
	r.Check(t, 0)
	if !partial.MatchString(r.Stderr) || !strings.Contains(r.Stderr, "wave 3: default/wc-prod-3: Done at "+to+" (machines 6/6)") {
		t.Errorf("no machines rolled as they went:\n%s", r.Stderr)
	}
}

// partial is a progress line of a cluster with some machines rolled.
var partial = regexp.MustCompile(`wave \d: default/wc-prod-\d: Upgrading \(machines [1-5]/6\)`)
