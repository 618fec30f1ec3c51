package upgraderun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
)

// Where the state lives by default.
const (
	DefaultNamespace = "tkg-system"
	ConfigMapName    = "tko-upgrade-run"
	// HeartbeatEvery is how often a run says it is alive; a Running run
	// silent for StaleAfter is taken as dead and may be resumed.
	HeartbeatEvery = 20 * time.Second
	StaleAfter     = 2 * time.Minute
)

var configMaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// Store reads and writes the run's ConfigMap.
type Store struct {
	Dyn       dynamic.Interface
	Namespace string
}

// NoRunError says there is no run to resume, follow or abort.
type NoRunError struct{ Namespace string }

func (e *NoRunError) Error() string {
	return fmt.Sprintf("no upgrade run in namespace %s (ConfigMap %s): start one with 'kubectl tko cluster upgrade apply --plan FILE'", e.Namespace, ConfigMapName)
}

// Class implements errs.Classed.
func (e *NoRunError) Class() errs.Class { return errs.ClassNotFound }

// BusyError refuses a second run while one holds the state.
type BusyError struct {
	Run       *Run
	Namespace string
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("an upgrade run is %s in namespace %s (held by %s, last seen %s): follow it with 'kubectl tko cluster upgrade status', resume it with 'upgrade apply --resume' or end it with 'upgrade abort'",
		e.Run.Phase, e.Namespace, e.Run.Holder, e.Run.Heartbeat.UTC().Format(time.RFC3339))
}

// Class implements errs.Classed.
func (e *BusyError) Class() errs.Class { return errs.ClassInvalid }

// ErrAborted stops a run whose state was marked aborted.
var ErrAborted = errors.New("the run was aborted ('kubectl tko cluster upgrade abort'); nothing was rolled back")

// TakenOverError stops a run another holder resumed.
type TakenOverError struct{ Holder string }

func (e *TakenOverError) Error() string {
	return "another apply (" + e.Holder + ") resumed this run: this one stops; follow it with 'kubectl tko cluster upgrade status'"
}

// Load reads the run, NoRunError when there is none.
func (s *Store) Load(ctx context.Context) (*Run, error) {
	u, err := s.Dyn.Resource(configMaps).Namespace(s.Namespace).Get(ctx, ConfigMapName, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &NoRunError{Namespace: s.Namespace}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the upgrade run: %w", err)
	}
	return decode(u)
}

func decode(u *unstructured.Unstructured) (*Run, error) {
	data, _, _ := unstructured.NestedStringMap(u.Object, "data")
	var r Run
	if err := json.Unmarshal([]byte(data["run"]), &r); err != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s does not hold an upgrade run (%w): delete it if nothing uses it", u.GetNamespace(), u.GetName(), err)
	}
	var p upgradeplan.Plan
	if err := json.Unmarshal([]byte(data["plan"]), &p); err != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s does not hold an upgrade plan (%w): delete it if nothing uses it", u.GetNamespace(), u.GetName(), err)
	}
	r.Plan, r.resourceVersion = &p, u.GetResourceVersion()
	return &r, nil
}

func (s *Store) object(r *Run) (*unstructured.Unstructured, error) {
	run, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	plan, err := json.Marshal(r.Plan)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": ConfigMapName, "namespace": s.Namespace,
			"labels": map[string]any{"app.kubernetes.io/managed-by": "kubectl-tko"}},
		"data": map[string]any{"run": string(run), "plan": string(plan)},
	}}
	u.SetResourceVersion(r.resourceVersion)
	return u, nil
}

// Create stores a new run. A run that holds the state (Running or Failed)
// is a BusyError; a finished or aborted one is replaced.
func (s *Store) Create(ctx context.Context, r *Run) error {
	old, err := s.Load(ctx)
	var none *NoRunError
	switch {
	case errors.As(err, &none):
	case err != nil:
		return err
	case old.Open():
		return &BusyError{Run: old, Namespace: s.Namespace}
	default:
		r.resourceVersion = old.resourceVersion
		return s.Save(ctx, r)
	}
	u, err := s.object(r)
	if err != nil {
		return err
	}
	created, err := s.Dyn.Resource(configMaps).Namespace(s.Namespace).Create(ctx, u, metav1.CreateOptions{FieldManager: kube.FieldManager})
	switch {
	case apierrors.IsAlreadyExists(err):
		// Another apply created it between our read and our write.
		if old, err := s.Load(ctx); err == nil {
			return &BusyError{Run: old, Namespace: s.Namespace}
		}
		return fmt.Errorf("another apply started at the same time: follow it with 'kubectl tko cluster upgrade status'")
	case apierrors.IsNotFound(err):
		return errs.Invalidf("namespace %s does not exist: create it (kubectl create namespace %s) or pass --state-namespace", s.Namespace, s.Namespace)
	case err != nil:
		return fmt.Errorf("storing the upgrade run: %w", err)
	}
	r.resourceVersion = created.GetResourceVersion()
	return nil
}

// Save writes the run over the version it last read or wrote: a conflict
// means someone else wrote it since (an abort, another apply resuming).
func (s *Store) Save(ctx context.Context, r *Run) error {
	u, err := s.object(r)
	if err != nil {
		return err
	}
	updated, err := s.Dyn.Resource(configMaps).Namespace(s.Namespace).Update(ctx, u, metav1.UpdateOptions{FieldManager: kube.FieldManager})
	if err != nil {
		return err
	}
	r.resourceVersion = updated.GetResourceVersion()
	return nil
}

// Sync saves the run as its holder: when someone else wrote the state
// since, it stops on an abort or a takeover, and otherwise writes over it.
func (s *Store) Sync(ctx context.Context, r *Run) error {
	for range 5 {
		err := s.Save(ctx, r)
		if !apierrors.IsConflict(err) {
			return err
		}
		cur, lerr := s.Load(ctx)
		if lerr != nil {
			return lerr
		}
		switch {
		case cur.Phase == PhaseAborted:
			r.Phase = PhaseAborted
			return ErrAborted
		case cur.Holder != r.Holder:
			return &TakenOverError{Holder: cur.Holder}
		}
		r.resourceVersion = cur.resourceVersion
	}
	return fmt.Errorf("the upgrade run's ConfigMap %s/%s keeps changing under this apply", s.Namespace, ConfigMapName)
}

// Abort marks the run aborted; the apply holding it stops at its next
// step. It reports false when the run had ended already.
func (s *Store) Abort(ctx context.Context, by string, now time.Time) (*Run, bool, error) {
	for {
		r, err := s.Load(ctx)
		if err != nil {
			return nil, false, err
		}
		if !r.Open() {
			return r, false, nil
		}
		r.Phase = PhaseAborted
		r.Message = fmt.Sprintf("aborted by %s at %s", by, now.UTC().Format(time.RFC3339))
		err = s.Save(ctx, r)
		if !apierrors.IsConflict(err) {
			return r, err == nil, err
		}
	}
}
