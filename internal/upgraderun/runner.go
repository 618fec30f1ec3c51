package upgraderun

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
)

// Ops are the actions of a run on the clusters; Live acts on a management
// cluster, tests may replace it.
type Ops interface {
	Read(ctx context.Context, c *State) (Observed, error)
	Upgrade(ctx context.Context, c *State, s upgradeplan.Step) error
	Wait(ctx context.Context, c *State, s upgradeplan.Step, timeout time.Duration, progress func(rolled, total int)) error
	Backup(ctx context.Context, c *State, name string, timeout time.Duration) error
	Health(ctx context.Context, c *State) (string, error)
}

// Event is a change a run reports as it goes.
type Event struct {
	Wave     int
	Cluster  string // "" for the wave itself
	State    string
	Rolled   int
	Total    int
	Message  string
	Progress bool // only machines rolled changed
}

// Options tune a run.
type Options struct {
	Parallel int           // clusters upgraded at once in a wave
	Timeout  time.Duration // per cluster and step, and per backup
	Soak     time.Duration // after a wave's health gate, before the next wave
	Report   func(Event)
	Now      func() time.Time
	// Resume is the command that resumes the run, said where it stops.
	Resume string
	// Heartbeat is how often the run says it is alive (HeartbeatEvery when 0).
	Heartbeat time.Duration
}

// Runner runs the waves of a stored run.
type Runner struct {
	Store *Store
	Ops   Ops
	Opts  Options
	Run   *Run

	mu sync.Mutex
}

// HealthGateError stops a run whose wave left a cluster unhealthy.
type HealthGateError struct{ Cluster, Cause string }

func (e *HealthGateError) Error() string {
	return "health gate: " + e.Cluster + ": " + e.Cause
}

// Class implements errs.Classed.
func (e *HealthGateError) Class() errs.Class { return errs.ClassFailed }

// MovedError is a cluster whose version is neither where the run left it
// nor the step's: someone else changed it.
type MovedError struct{ Cluster, Version, Want string }

func (e *MovedError) Error() string {
	return fmt.Sprintf("cluster %s runs %s, not %s nor the step before it: it was changed outside this run; abort it and plan again", e.Cluster, e.Version, e.Want)
}

// Class implements errs.Classed.
func (e *MovedError) Class() errs.Class { return errs.ClassFailed }

func (r *Runner) report(e Event) {
	if r.Opts.Report != nil {
		r.Opts.Report(e)
	}
}

// update changes the run under the lock and stores it.
func (r *Runner) update(ctx context.Context, change func(run *Run)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	change(r.Run)
	r.Run.Heartbeat = r.Opts.Now()
	return r.Store.Sync(ctx, r.Run)
}

func (r *Runner) setCluster(ctx context.Context, i int, state, msg string) error {
	var c State
	err := r.update(ctx, func(run *Run) {
		run.Clusters[i].State, run.Clusters[i].Message = state, msg
		c = run.Clusters[i]
	})
	r.report(Event{Wave: c.Wave, Cluster: c.Cluster, State: state, Rolled: c.Rolled, Total: c.Total, Message: msg})
	return err
}

// Execute runs the waves from where the run is, stores every step and
// returns where it stopped as an errs.StepError on the first failure.
func (r *Runner) Execute(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go r.heartbeat(ctx, cancel)
	err := r.waves(ctx)
	if cause := context.Cause(ctx); err != nil && (errors.Is(cause, ErrAborted) || errors.As(cause, new(*TakenOverError))) {
		err = cause
	}
	return r.finish(ctx, err)
}

func (r *Runner) waves(ctx context.Context) error {
	for w := max(r.Run.Wave, 1); w <= r.Run.Waves; w++ {
		if err := r.update(ctx, func(run *Run) { run.Wave = w }); err != nil {
			return err
		}
		r.report(Event{Wave: w, State: "Started"})
		if err := r.wave(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) heartbeat(ctx context.Context, cancel context.CancelCauseFunc) {
	every := r.Opts.Heartbeat
	if every <= 0 {
		every = HeartbeatEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.update(ctx, func(*Run) {}); errors.Is(err, ErrAborted) || errors.As(err, new(*TakenOverError)) {
				cancel(err)
				return
			}
		}
	}
}

func (r *Runner) wave(ctx context.Context, w int) error {
	idx := r.Run.InWave(w)
	keys := make([]string, len(idx))
	byKey := map[string]int{}
	for n, i := range idx {
		keys[n], byKey[r.Run.Clusters[i].Cluster] = r.Run.Clusters[i].Cluster, i
	}
	each := func(fn func(ctx context.Context, i int) error) error {
		results := fleet.Run(ctx, keys, fleet.Options{Parallel: r.Opts.Parallel}, func(ctx context.Context, key string) (struct{}, error) {
			return struct{}{}, fn(ctx, byKey[key])
		})
		var first error
		for _, res := range results {
			if res.Err != nil && first == nil {
				first = res.Err
			}
		}
		return first
	}
	if !r.Run.SkipBackup {
		if err := each(r.backup); err != nil {
			return err
		}
	}
	if err := each(r.upgrade); err != nil {
		return err
	}
	for _, i := range idx {
		c := r.Run.Clusters[i]
		cause, err := r.Ops.Health(ctx, &c)
		if err == nil && cause != "" {
			err = &HealthGateError{Cluster: c.Cluster, Cause: cause}
		}
		if err != nil {
			_ = r.setCluster(ctx, i, StateFailed, err.Error())
			return err
		}
	}
	if r.Opts.Soak > 0 && w < r.Run.Waves {
		r.report(Event{Wave: w, State: "Soaking", Message: "for " + r.Opts.Soak.String()})
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(r.Opts.Soak):
		}
	}
	r.report(Event{Wave: w, State: "Done"})
	return nil
}

func (r *Runner) backup(ctx context.Context, i int) error {
	c := r.Run.Clusters[i]
	if c.BackedUp || c.Done > 0 || c.State == StateDone {
		return nil
	}
	name := c.Backup
	if name == "" {
		_, cluster := split(c.Cluster)
		name = backup.GeneratedName("tko-pre-upgrade-"+cluster, r.Opts.Now())
	}
	if err := r.update(ctx, func(run *Run) { run.Clusters[i].Backup = name }); err != nil {
		return err
	}
	if err := r.setCluster(ctx, i, StateBackingUp, "velero backup "+name); err != nil {
		return err
	}
	if err := r.Ops.Backup(ctx, &c, name, r.Opts.Timeout); err != nil {
		if ctx.Err() == nil {
			_ = r.setCluster(ctx, i, StateFailed, "backup "+name+": "+err.Error())
		}
		return fmt.Errorf("backup %s of %s: %w", name, c.Cluster, err)
	}
	if err := r.update(ctx, func(run *Run) { run.Clusters[i].BackedUp = true }); err != nil {
		return err
	}
	return r.setCluster(ctx, i, StateBackedUp, "velero backup "+name+" Completed")
}

// upgrade takes one cluster through its remaining steps, one at a time.
// A cluster already at a step's version (its upgrade was written, by this
// run before it stopped or by someone else) is waited on, never written again.
func (r *Runner) upgrade(ctx context.Context, i int) error {
	fail := func(err error) error {
		if ctx.Err() == nil {
			_ = r.setCluster(ctx, i, StateFailed, err.Error())
		}
		return err
	}
	for {
		r.mu.Lock()
		c := r.Run.Clusters[i]
		r.mu.Unlock()
		if c.Done >= len(c.Steps) {
			if c.State != StateDone {
				return r.setCluster(ctx, i, StateDone, "at "+c.Steps[len(c.Steps)-1].KubernetesVersion)
			}
			return nil
		}
		step := c.Steps[c.Done]
		want, prev := target(&c, step), c.From
		if c.Done > 0 {
			prev = target(&c, c.Steps[c.Done-1])
		}
		obs, err := r.Ops.Read(ctx, &c)
		if err != nil {
			return fail(err)
		}
		switch obs.Version {
		case prev:
			// The intent is stored before the write: a resume that finds
			// the version moved knows this run wrote it.
			if err := r.update(ctx, func(run *Run) { run.Clusters[i].Wrote = want }); err != nil {
				return err
			}
			if err := r.Ops.Upgrade(ctx, &c, step); err != nil {
				return fail(err)
			}
			if err := r.setCluster(ctx, i, StateUpgrading, "to "+want); err != nil {
				return err
			}
		case want:
			msg := "to " + want + " (written before: waited on, not upgraded again)"
			if c.Wrote != want {
				msg = "to " + want + " (caught mid-upgrade: its version had moved already; waited on, not upgraded again)"
			}
			if err := r.setCluster(ctx, i, StateUpgrading, msg); err != nil {
				return err
			}
		default:
			return fail(&MovedError{Cluster: c.Cluster, Version: obs.Version, Want: want})
		}
		progress := func(rolled, total int) {
			r.mu.Lock()
			cl := &r.Run.Clusters[i]
			changed := cl.Rolled != rolled || cl.Total != total
			cl.Rolled, cl.Total = rolled, total
			r.mu.Unlock()
			if changed {
				r.report(Event{Wave: c.Wave, Cluster: c.Cluster, State: StateUpgrading, Rolled: rolled, Total: total, Progress: true})
			}
		}
		if err := r.Ops.Wait(ctx, &c, step, r.Opts.Timeout, progress); err != nil {
			return fail(err)
		}
		if err := r.update(ctx, func(run *Run) { run.Clusters[i].Done++ }); err != nil {
			return err
		}
	}
}

// finish stores how the run ended and says where it stopped.
func (r *Runner) finish(ctx context.Context, err error) error {
	// Written even when ctx was cancelled (an interrupt), so a resume
	// finds where it stopped.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	var stateErr error
	if err == nil {
		stateErr = r.update(sctx, func(run *Run) { run.Phase, run.Message = PhaseFinished, "" })
		r.report(Event{State: PhaseFinished})
		return stateErr
	}
	where := r.where()
	switch {
	case errors.Is(err, ErrAborted), errors.As(err, new(*TakenOverError)):
	case ctx.Err() != nil:
		// Interrupted: the run stays Running, released for a resume.
		stateErr = r.update(sctx, func(run *Run) { run.Holder, run.Message = "", "interrupted: "+where })
		where += "; resume: " + r.Opts.Resume
	default:
		stateErr = r.update(sctx, func(run *Run) { run.Phase, run.Holder, run.Message = PhaseFailed, "", where+": "+err.Error() })
		where += "; fix it, then resume: " + r.Opts.Resume
	}
	if stateErr != nil && !errors.Is(stateErr, ErrAborted) {
		// The cause says why (most often the same unreachable server).
		where += " (this stop could not be stored: --resume goes on from the last step stored)"
	}
	return &errs.StepError{Where: where, Err: err}
}

// where says what is where: "stopped in wave 2 of 3 (done: a; failed: b;
// not done: c)".
func (r *Runner) where() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	done, failed, pending := r.Run.Where()
	parts := []string{"done: " + errs.OrNone(done)}
	if len(failed) > 0 {
		parts = append(parts, "failed: "+strings.Join(failed, ", "))
	}
	parts = append(parts, "not done: "+errs.OrNone(pending))
	return fmt.Sprintf("stopped in wave %d of %d (%s)", r.Run.Wave, r.Run.Waves, strings.Join(parts, "; "))
}
