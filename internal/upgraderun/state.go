// Package upgraderun runs an upgrade plan wave by wave and keeps the run's
// state in a ConfigMap of the management cluster, so that the run can be
// resumed, followed and aborted from any machine.
package upgraderun

import (
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
)

// Phases of a run.
const (
	PhaseRunning  = "Running"
	PhaseFailed   = "Failed"
	PhaseFinished = "Finished"
	PhaseAborted  = "Aborted"
)

// States of a cluster in a run.
const (
	StatePending   = "Pending"
	StateBackingUp = "BackingUp"
	StateBackedUp  = "BackedUp"
	StateUpgrading = "Upgrading"
	StateDone      = "Done"
	StateFailed    = "Failed"
)

// Run is the state of a run, as stored.
type Run struct {
	Phase      string    `json:"phase"`
	Holder     string    `json:"holder"`    // who runs it: host and process
	Heartbeat  time.Time `json:"heartbeat"` // last sign of life of the holder
	Started    time.Time `json:"started"`
	Wave       int       `json:"wave"` // the wave under way (or last reached)
	Waves      int       `json:"waves"`
	SkipBackup bool      `json:"skipBackup,omitempty"`
	Message    string    `json:"message,omitempty"` // where it stopped, and why
	Clusters   []State   `json:"clusters"`

	Plan *upgradeplan.Plan `json:"-"` // stored under a key of its own

	resourceVersion string
}

// State is one cluster's progress.
type State struct {
	Cluster string             `json:"cluster"` // namespace/name
	Kind    string             `json:"kind"`
	Wave    int                `json:"wave"`
	From    string             `json:"from"` // version (TKR of a TKC) the plan found
	Steps   []upgradeplan.Step `json:"steps"`
	Done    int                `json:"done"` // steps completed
	State   string             `json:"state"`
	Backup  string             `json:"backup,omitempty"` // Velero backup of the cluster before its upgrade
	Wrote   string             `json:"wrote,omitempty"`  // the version this run last wrote
	// BackedUp says Velero completed Backup.
	BackedUp bool   `json:"backedUp,omitempty"`
	Rolled   int    `json:"rolled,omitempty"` // machines at the step's version
	Total    int    `json:"total,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Open reports whether the run still holds the state: a new run may not start.
func (r *Run) Open() bool { return r.Phase == PhaseRunning || r.Phase == PhaseFailed }

// Stale reports a Running run whose holder has given no sign of life for
// longer than after: it is resumable by another holder.
func (r *Run) Stale(now time.Time, after time.Duration) bool {
	return r.Phase != PhaseRunning || now.Sub(r.Heartbeat) > after
}

// NewRun is the state of a run about to start the plan's waves.
func NewRun(p *upgradeplan.Plan, holder string, skipBackup bool, now time.Time) *Run {
	r := &Run{Phase: PhaseRunning, Holder: holder, Heartbeat: now, Started: now, Waves: len(p.Waves), SkipBackup: skipBackup, Plan: p}
	byKey := map[string]*upgradeplan.Cluster{}
	for i := range p.Clusters {
		byKey[p.Clusters[i].Key()] = &p.Clusters[i]
	}
	for _, w := range p.Waves {
		for _, key := range w.Clusters {
			c := byKey[key]
			from := c.CurrentVersion
			if c.Kind == upgradeplan.KindTKC {
				from = c.CurrentTKR
			}
			r.Clusters = append(r.Clusters, State{Cluster: key, Kind: c.Kind, Wave: w.Number, From: from, Steps: c.Steps, State: StatePending})
		}
	}
	return r
}

// InWave lists the indexes of the clusters of a wave.
func (r *Run) InWave(wave int) []int {
	var out []int
	for i := range r.Clusters {
		if r.Clusters[i].Wave == wave {
			out = append(out, i)
		}
	}
	return out
}

// Where says what is where: the clusters done, the one that stopped the
// run, those not started.
func (r *Run) Where() (done, failed, pending []string) {
	for _, c := range r.Clusters {
		switch c.State {
		case StateDone:
			done = append(done, c.Cluster)
		case StateFailed:
			failed = append(failed, c.Cluster)
		default:
			pending = append(pending, c.Cluster)
		}
	}
	return done, failed, pending
}
