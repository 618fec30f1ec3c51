package upgraderun_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
)

// fakeOps upgrades in memory: a cluster's version moves when written and
// its wait ends at once, unless hang says it never becomes Available.
type fakeOps struct {
	mu       sync.Mutex
	versions map[string]string
	writes   map[string]int
	hang     map[string]bool
	waiting  chan string
}

func newOps(keys ...string) *fakeOps {
	o := &fakeOps{versions: map[string]string{}, writes: map[string]int{}, hang: map[string]bool{}, waiting: make(chan string, 10)}
	for _, k := range keys {
		o.versions[k] = "v1.30.2+vmware.1"
	}
	return o
}

func (o *fakeOps) Read(_ context.Context, c *upgraderun.State) (upgraderun.Observed, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return upgraderun.Observed{Version: o.versions[c.Cluster], ResourceVersion: "1", Available: true}, nil
}

func (o *fakeOps) Upgrade(_ context.Context, c *upgraderun.State, s upgradeplan.Step) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.versions[c.Cluster] = s.KubernetesVersion
	o.writes[c.Cluster]++
	return nil
}

func (o *fakeOps) Wait(ctx context.Context, c *upgraderun.State, _ upgradeplan.Step, _ time.Duration, progress func(int, int)) error {
	o.mu.Lock()
	hang := o.hang[c.Cluster]
	o.mu.Unlock()
	if !hang {
		progress(3, 3)
		return nil
	}
	o.waiting <- c.Cluster
	<-ctx.Done()
	return ctx.Err()
}

func (o *fakeOps) Backup(context.Context, *upgraderun.State, string, time.Duration) error { return nil }
func (o *fakeOps) Health(context.Context, *upgraderun.State) (string, error)              { return "", nil }

func twoWaves() *upgradeplan.Plan {
	step := []upgradeplan.Step{{TKR: "v1.31.1---vmware.2-tkg.2", KubernetesVersion: "v1.31.1+vmware.2"}}
	return &upgradeplan.Plan{APIVersion: upgradeplan.APIVersion, Kind: upgradeplan.Kind,
		Clusters: []upgradeplan.Cluster{
			{Namespace: "default", Name: "a", Kind: upgradeplan.KindCluster, CurrentVersion: "v1.30.2+vmware.1", Steps: step, Wave: 1},
			{Namespace: "default", Name: "b", Kind: upgradeplan.KindCluster, CurrentVersion: "v1.30.2+vmware.1", Steps: step, Wave: 2},
		},
		Waves: []upgradeplan.Wave{{Number: 1, Clusters: []string{"default/a"}}, {Number: 2, Clusters: []string{"default/b"}}}}
}

func store(t *testing.T) *upgraderun.Store {
	s := clitest.NewServer(t)
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return &upgraderun.Store{Dyn: dyn, Namespace: "default"}
}

// An abort from elsewhere stops a run in the middle of a wait (found by
// its heartbeat): no further wave starts and nothing is undone.
func TestAbortStopsARunningApply(t *testing.T) {
	st := store(t)
	ops := newOps("default/a", "default/b")
	ops.hang["default/a"] = true
	run := upgraderun.NewRun(twoWaves(), "laptop/1", true, time.Now())
	if err := st.Create(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	r := &upgraderun.Runner{Store: st, Ops: ops, Run: run,
		Opts: upgraderun.Options{Parallel: 1, Timeout: time.Minute, Now: time.Now, Heartbeat: 10 * time.Millisecond, Resume: "resume"}}
	done := make(chan error)
	go func() { done <- r.Execute(context.Background()) }()
	<-ops.waiting
	if _, aborted, err := st.Abort(context.Background(), "desk/2", time.Now()); err != nil || !aborted {
		t.Fatalf("abort: %v %v", aborted, err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, upgraderun.ErrAborted) {
			t.Errorf("err %v, want the abort", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not stop after the abort")
	}
	if ops.writes["default/a"] != 1 || ops.writes["default/b"] != 0 || ops.versions["default/a"] != "v1.31.1+vmware.2" {
		t.Errorf("writes %v versions %v", ops.writes, ops.versions)
	}
	got, err := st.Load(context.Background())
	if err != nil || got.Phase != upgraderun.PhaseAborted {
		t.Errorf("stored %+v %v", got, err)
	}
}

// Two runs at once are refused; a finished run frees the state.
func TestCreateRefusesASecondRun(t *testing.T) {
	st := store(t)
	ctx := context.Background()
	first := upgraderun.NewRun(twoWaves(), "laptop/1", true, time.Now())
	if err := st.Create(ctx, first); err != nil {
		t.Fatal(err)
	}
	var busy *upgraderun.BusyError
	if err := st.Create(ctx, upgraderun.NewRun(twoWaves(), "desk/2", true, time.Now())); !errors.As(err, &busy) || busy.Run.Holder != "laptop/1" {
		t.Fatalf("second run: %v", err)
	}
	ops := newOps("default/a", "default/b")
	r := &upgraderun.Runner{Store: st, Ops: ops, Run: first, Opts: upgraderun.Options{Timeout: time.Minute, Now: time.Now}}
	if err := r.Execute(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, upgraderun.NewRun(twoWaves(), "desk/2", true, time.Now())); err != nil {
		t.Errorf("after a finished run: %v", err)
	}
}

// A run whose state another apply took over stops at its next write.
func TestTakenOver(t *testing.T) {
	st := store(t)
	ctx := context.Background()
	run := upgraderun.NewRun(twoWaves(), "laptop/1", true, time.Now())
	if err := st.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	other, err := st.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	other.Holder = "desk/2"
	if err := st.Save(ctx, other); err != nil {
		t.Fatal(err)
	}
	r := &upgraderun.Runner{Store: st, Ops: newOps("default/a", "default/b"), Run: run, Opts: upgraderun.Options{Timeout: time.Minute, Now: time.Now}}
	var taken *upgraderun.TakenOverError
	if err := r.Execute(ctx); !errors.As(err, &taken) || taken.Holder != "desk/2" {
		t.Errorf("err %v", err)
	}
}

// A chain goes one step at a time; a health gate error stops the run
// before the next wave.
func TestChainAndHealthGate(t *testing.T) {
	st := store(t)
	ctx := context.Background()
	p := twoWaves()
	p.Clusters[0].Steps = []upgradeplan.Step{{KubernetesVersion: "v1.31.1+vmware.2"}, {KubernetesVersion: "v1.32.0+vmware.1"}}
	run := upgraderun.NewRun(p, "laptop/1", true, time.Now())
	if err := st.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	ops := &gateOps{fakeOps: newOps("default/a", "default/b"), unhealthy: "default/a"}
	r := &upgraderun.Runner{Store: st, Ops: ops, Run: run, Opts: upgraderun.Options{Timeout: time.Minute, Now: time.Now, Resume: "resume"}}
	err := r.Execute(ctx)
	var gate *upgraderun.HealthGateError
	if !errors.As(err, &gate) || !strings.Contains(err.Error(), "stopped in wave 1 of 2 (done: none; failed: default/a; not done: default/b)") {
		t.Fatalf("err %v", err)
	}
	if ops.writes["default/a"] != 2 || ops.versions["default/a"] != "v1.32.0+vmware.1" || ops.writes["default/b"] != 0 {
		t.Errorf("writes %v versions %v", ops.writes, ops.versions)
	}
}

// A cluster moved by someone else to a version the run did not plan
// stops the run: it is never written.
func TestMovedOutsideTheRun(t *testing.T) {
	st := store(t)
	ctx := context.Background()
	run := upgraderun.NewRun(twoWaves(), "laptop/1", true, time.Now())
	if err := st.Create(ctx, run); err != nil {
		t.Fatal(err)
	}
	ops := newOps("default/a", "default/b")
	ops.versions["default/a"] = "v1.30.3+vmware.1"
	r := &upgraderun.Runner{Store: st, Ops: ops, Run: run, Opts: upgraderun.Options{Timeout: time.Minute, Now: time.Now}}
	var moved *upgraderun.MovedError
	if err := r.Execute(ctx); !errors.As(err, &moved) || ops.writes["default/a"] != 0 {
		t.Errorf("err %v, writes %v", err, ops.writes)
	}
}

type gateOps struct {
	*fakeOps
	unhealthy string
}

func (o *gateOps) Health(_ context.Context, c *upgraderun.State) (string, error) {
	if c.Cluster == o.unhealthy {
		return "observe health reports 1 error(s): pod x: CrashLoopBackOff", nil
	}
	return "", nil
}
