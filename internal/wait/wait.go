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
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"

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
//
// It lists the object, then watches it from the list's resourceVersion;
// when the watch ends (the server closes it, the version expired) it lists
// and watches again, as an informer does, and a list or watch that fails
// is retried until the wait's time is up. It is not client-go's
// UntilWithSync: that links the informer machinery (tools/cache and its
// streaming-list support, initialised at every start of every plugin) to
// follow one object.
func For(ctx context.Context, spec Spec) (*unstructured.Unstructured, error) {
	if spec.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, spec.Timeout)
		defer cancel()
	}
	w := &waiter{spec: spec, selector: fields.OneTermEqualSelector("metadata.name", spec.Name).String()}
	done, err := w.run(ctx)
	var ce *checkError
	switch {
	case done:
		return w.last, nil
	case errors.As(err, &ce) && ce.asIs:
		return w.last, ce.err
	case errors.As(err, &ce):
		return w.last, fmt.Errorf("waiting for %s: %w", spec.What, ce.err)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
			return w.last, cause
		}
		state := ""
		if w.last != nil && spec.Summary != nil {
			state = spec.Summary(w.last)
		}
		return w.last, &errs.TimeoutError{What: spec.What, Timeout: spec.Timeout.String(), Last: state}
	}
	return w.last, context.Cause(ctx)
}

// How long a failed list or watch (or one the server ended at once) waits
// before the next, doubling up to the most; client-go's reflector backs
// off the same way.
const (
	retryFirst = 500 * time.Millisecond
	retryMost  = 30 * time.Second
)

// checkError is the check's verdict. asIs: returned unwrapped, as it was
// for a change the watch saw; the first look and a deletion are wrapped in
// "waiting for ...".
type checkError struct {
	err  error
	asIs bool
}

func (e *checkError) Error() string { return e.err.Error() }

// waiter is one wait's state: the last object seen and its summary line.
type waiter struct {
	spec     Spec
	selector string
	last     *unstructured.Unstructured
	lastLine string
}

// see checks the object's latest state (nil: it is gone).
func (w *waiter) see(obj *unstructured.Unstructured, asIs bool) (bool, error) {
	w.last = obj
	if obj != nil && w.spec.Progress != nil && w.spec.Summary != nil {
		if line := w.spec.Summary(obj); line != w.lastLine {
			w.lastLine = line
			fmt.Fprintf(w.spec.Progress, "%s  %s\n", time.Now().Format("15:04:05"), line)
		}
	}
	done, err := w.spec.Check(obj)
	if err != nil {
		return false, &checkError{err: err, asIs: asIs}
	}
	return done, nil
}

// ours says an object is the one waited for (a client that ignores the
// field selector, such as a fake, sends others too).
func (w *waiter) ours(obj *unstructured.Unstructured) bool {
	return obj.GetName() == w.spec.Name && (w.spec.Namespace == "" || obj.GetNamespace() == w.spec.Namespace)
}

// run lists and watches until the check is done or fails (a *checkError),
// or ctx ends (false, nil).
func (w *waiter) run(ctx context.Context) (bool, error) {
	pause := retryFirst
	first := true
	for ctx.Err() == nil {
		rv, done, err := w.list(ctx, first)
		var ce *checkError
		if done || errors.As(err, &ce) {
			return done, err
		}
		if lasting(err) {
			return false, &checkError{err: err}
		}
		if err == nil {
			first = false
			start := time.Now()
			if done, err = w.watch(ctx, rv); done || errors.As(err, &ce) {
				return done, err
			}
			if lasting(err) {
				return false, &checkError{err: err}
			}
			if err == nil && time.Since(start) > time.Second {
				pause = retryFirst
				continue
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, retryMost)
	}
	return false, nil
}

// list looks at the object as it is now and returns the version to watch
// from. The first look's verdict is wrapped (as the watch's precondition
// was); a later one, after a watch ended, is a change like any other.
// lasting says a failed list or watch would fail the same way again (no
// right to read, the API not served, a request refused): the wait ends with
// the API server's answer instead of retrying it until the timeout.
func lasting(err error) bool {
	return apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || apierrors.IsNotFound(err) ||
		apierrors.IsBadRequest(err) || apierrors.IsInvalid(err) || apierrors.IsMethodNotSupported(err)
}

func (w *waiter) list(ctx context.Context, first bool) (string, bool, error) {
	l, err := w.spec.Client.List(ctx, metav1.ListOptions{FieldSelector: w.selector})
	if err != nil {
		return "", false, err
	}
	var obj *unstructured.Unstructured
	for i := range l.Items {
		if w.ours(&l.Items[i]) {
			obj = &l.Items[i]
			break
		}
	}
	done, err := w.see(obj, !first && obj != nil)
	return l.GetResourceVersion(), done, err
}

// watch follows the object from version rv until the check is done or
// fails, the watch ends (nil: list again) or ctx ends.
func (w *waiter) watch(ctx context.Context, rv string) (bool, error) {
	wi, err := w.spec.Client.Watch(ctx, metav1.ListOptions{FieldSelector: w.selector, ResourceVersion: rv, AllowWatchBookmarks: true})
	if err != nil {
		return false, err
	}
	defer wi.Stop()
	for {
		var ev watch.Event
		var open bool
		select {
		case <-ctx.Done():
			return false, nil
		case ev, open = <-wi.ResultChan():
		}
		if !open || ev.Type == watch.Error {
			return false, nil // closed, or the version expired (410): list again
		}
		obj, ok := ev.Object.(*unstructured.Unstructured)
		if !ok || !w.ours(obj) {
			continue
		}
		switch ev.Type {
		case watch.Added, watch.Modified:
			if done, err := w.see(obj, true); done || err != nil {
				return done, err
			}
		case watch.Deleted:
			if done, err := w.see(nil, false); done || err != nil {
				return done, err
			}
		}
	}
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
