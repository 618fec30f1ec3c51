// Package wait waits for Kubernetes objects by watching them: no polling
// loops, an exact stop on Ctrl-C, and a timeout that says where it stopped.
package wait

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// Check inspects the latest state of the object (nil once it is deleted)
// and says whether the wait is over. A non-nil error ends the wait with
// that error (for example a ReconcileFailed condition).
type Check func(obj *unstructured.Unstructured) (done bool, err error)

// Spec describes one wait.
type Spec struct {
	Client    dynamic.ResourceInterface // already scoped to the namespace
	Namespace string                    // "" for cluster-scoped objects
	Name      string
	What      string        // for messages: `cluster "wc-1" to become Available`
	Timeout   time.Duration // 0 waits until the context ends
	Check     Check
	// Summary renders a one-line state for progress and timeout messages.
	Summary func(obj *unstructured.Unstructured) string
	// Progress, when set, receives each changed summary line (a TTY).
	Progress io.Writer
}

// For waits until spec.Check says done and returns the last object seen
// (nil when the wait was for deletion).
func For(ctx context.Context, spec Spec) (*unstructured.Unstructured, error) {
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	selector := fields.OneTermEqualSelector("metadata.name", spec.Name).String()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = selector
			return spec.Client.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = selector
			return spec.Client.Watch(ctx, o)
		},
	}
	var last *unstructured.Unstructured
	lastLine := ""
	report := func(obj *unstructured.Unstructured) {
		if spec.Progress == nil || spec.Summary == nil || obj == nil {
			return
		}
		if line := spec.Summary(obj); line != lastLine {
			lastLine = line
			fmt.Fprintf(spec.Progress, "%s  %s\n", time.Now().Format("15:04:05"), line)
		}
	}
	var checkErr error
	precondition := func(store cache.Store) (bool, error) {
		item, exists, err := store.GetByKey(key(spec))
		if err != nil {
			return false, err
		}
		if !exists {
			return spec.Check(nil)
		}
		obj := item.(*unstructured.Unstructured)
		last = obj
		report(obj)
		return spec.Check(obj)
	}
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, precondition, func(ev watch.Event) (bool, error) {
		switch ev.Type {
		case watch.Deleted:
			last = nil
			return spec.Check(nil)
		case watch.Added, watch.Modified:
			obj, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				return false, nil
			}
			last = obj
			report(obj)
			done, err := spec.Check(obj)
			checkErr = err
			return done, err
		case watch.Error:
			return false, apierrors.FromObject(ev.Object)
		}
		return false, nil
	})
	if err == nil {
		return last, nil
	}
	if checkErr != nil {
		return last, checkErr
	}
	if errors.Is(err, watchtools.ErrWatchClosed) || errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
			return last, cause
		}
		state := ""
		if last != nil && spec.Summary != nil {
			state = spec.Summary(last)
		}
		return last, &errs.TimeoutError{What: spec.What, Timeout: spec.Timeout.String(), Last: state}
	}
	if ctx.Err() != nil {
		return last, context.Cause(ctx)
	}
	return last, fmt.Errorf("waiting for %s: %w", spec.What, err)
}

// key is the informer store's key for the object.
func key(spec Spec) string {
	if spec.Namespace == "" {
		return spec.Name
	}
	return spec.Namespace + "/" + spec.Name
}

// GoesOn words a wait that ended before the object got there (a timeout,
// an interrupt): what was done, which a controller goes on with, and how
// to follow it, in front of the cause. Other errors pass unchanged.
func GoesOn(err error, where string) error {
	var timeout *errs.TimeoutError
	if errors.As(err, &timeout) || Stopped(err) {
		return &errs.StepError{Where: where, Err: err}
	}
	return err
}

// Stopped says the run was interrupted (Ctrl-C, SIGTERM), not failed.
func Stopped(err error) bool {
	return errors.Is(err, errs.ErrInterrupted) || errors.Is(err, context.Canceled)
}
