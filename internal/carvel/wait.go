package carvel

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Reconciled is a wait.Check for kapp-controller objects: done when
// ReconcileSucceeded holds at the current generation (a status older than
// metadata.generation says nothing about the current spec, the mistake
// behind installs reported as successful when they failed); a failure at
// the current generation ends the wait with kapp-controller's full error.
func Reconciled(kind string) wait.Check {
	return func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, fmt.Errorf("the %s was deleted while waiting for it", kind)
		}
		var st struct {
			Status ReconcileStatus `json:"status"`
		}
		if err := decode(u, &st); err != nil {
			return false, err
		}
		paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
		switch state := st.Status.State(u.GetGeneration(), paused); {
		case state == "ReconcileSucceeded":
			return true, nil
		case Failed(state) && transient(st.Status):
			// kapp-controller lost an optimistic-concurrency race with itself
			// (its App was written twice); it requeues at once, so keep waiting.
			return false, nil
		case Failed(state):
			return false, ReconcileError(kind, u.GetNamespace(), u.GetName(), st.Status)
		}
		return false, nil
	}
}

func transient(st ReconcileStatus) bool {
	msg := st.UsefulErrorMessage
	for _, c := range st.Conditions {
		msg += c.Message
	}
	return strings.Contains(msg, "the object has been modified; please apply your changes to the latest version")
}

// ReconcileError carries kapp-controller's useful error message whole.
func ReconcileError(kind, namespace, name string, st ReconcileStatus) error {
	detail := st.UsefulErrorMessage
	if detail == "" {
		for _, c := range st.Conditions {
			if c.Status == "True" && Failed(c.Type) {
				detail = c.Message
			}
		}
	}
	if detail == "" {
		detail = st.FriendlyDescription
	}
	return &errs.DetailedError{Summary: fmt.Sprintf("%s %s/%s failed to reconcile", kind, namespace, name), Detail: detail}
}

// Summary is the one-line state of a kapp-controller object for progress
// lines and timeouts.
func Summary(u *unstructured.Unstructured) string {
	var st struct {
		Status ReconcileStatus `json:"status"`
	}
	_ = decode(u, &st)
	paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
	state := st.Status.State(u.GetGeneration(), paused)
	if st.Status.FriendlyDescription != "" && state != "Reconciling" {
		return st.Status.FriendlyDescription
	}
	return state
}

// WaitOptions says how to wait for an install or a repository.
type WaitOptions struct {
	Timeout time.Duration
	// Progress receives stage lines (fetch, template, deploy) as the App
	// reports them; nil prints nothing.
	Progress io.Writer
	// Updated says the install was just updated (ApplyUpdate): its App is
	// followed until it has reconciled its new spec, before the install's
	// status is believed.
	Updated bool
}

// WaitInstall follows a PackageInstall and its App by watch until it is
// reconciled at its current generation.
func (c *Client) WaitInstall(ctx context.Context, namespace, name string, opts WaitOptions) (*unstructured.Unstructured, error) {
	return c.waitWithApp(ctx, Installs, "package install", namespace, name, opts)
}

// WaitRepository follows a PackageRepository until it is reconciled.
func (c *Client) WaitRepository(ctx context.Context, namespace, name string, opts WaitOptions) (*unstructured.Unstructured, error) {
	return c.waitWithApp(ctx, Repositories, "package repository", namespace, name, opts)
}

func (c *Client) waitWithApp(ctx context.Context, gvr schema.GroupVersionResource, kind, namespace, name string, opts WaitOptions) (*unstructured.Unstructured, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	if opts.Progress != nil && gvr == Installs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.followApp(ctx, namespace, name, opts.Progress)
		}()
	}
	timeout := opts.Timeout
	if opts.Updated && gvr == Installs {
		start := time.Now()
		if _, err := wait.For(ctx, wait.Spec{
			Client: c.Dyn.Resource(Apps).Namespace(namespace), Namespace: namespace, Name: name,
			What: fmt.Sprintf("%s %s/%s to reconcile", kind, namespace, name), Timeout: timeout,
			Check: appCaughtUp, Summary: Summary, Progress: opts.Progress,
		}); err != nil {
			cancel()
			wg.Wait()
			return nil, err
		}
		if timeout > 0 {
			timeout = max(timeout-time.Since(start), time.Second)
		}
	}
	u, err := wait.For(ctx, wait.Spec{
		Client:    c.Dyn.Resource(gvr).Namespace(namespace),
		Namespace: namespace,
		Name:      name,
		What:      fmt.Sprintf("%s %s/%s to reconcile", kind, namespace, name),
		Timeout:   timeout,
		Check:     Reconciled(kind),
		Summary:   Summary,
		Progress:  opts.Progress,
	})
	cancel()
	wg.Wait()
	return u, err
}

// appCaughtUp is done when an updated install's App runs again and has
// reconciled its current spec, or is gone; whether that succeeded is the
// install's to say.
func appCaughtUp(u *unstructured.Unstructured) (bool, error) {
	if u == nil {
		return true, nil
	}
	var st struct {
		Status ReconcileStatus `json:"status"`
	}
	if err := decode(u, &st); err != nil {
		return false, err
	}
	paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
	return st.Status.State(u.GetGeneration(), paused) != "Reconciling" && !paused, nil
}

// followApp prints each App stage once it finishes: the fetch, template
// and deploy steps of kapp-controller's reconcile.
func (c *Client) followApp(ctx context.Context, namespace, name string, out io.Writer) {
	printed := map[string]string{}
	_, _ = wait.For(ctx, wait.Spec{
		Client: c.Dyn.Resource(Apps).Namespace(namespace), Namespace: namespace, Name: name, What: "app",
		Check: func(u *unstructured.Unstructured) (bool, error) {
			if u == nil {
				return false, nil
			}
			app, err := AsApp(u)
			if err != nil {
				return false, nil
			}
			for _, st := range []struct {
				name string
				r    *StageResult
			}{{"fetch", app.Status.Fetch}, {"template", app.Status.Template}, {"deploy", app.Status.Deploy}} {
				if st.r == nil || st.r.UpdatedAt == "" || printed[st.name] == st.r.UpdatedAt {
					continue
				}
				if st.name == "deploy" && !st.r.Finished && st.r.ExitCode == 0 {
					continue
				}
				printed[st.name] = st.r.UpdatedAt
				line := "ok"
				if st.r.ExitCode != 0 || st.r.Error != "" {
					line = "failed: " + Headline(st.r.Error+" "+st.r.Stderr)
				}
				fmt.Fprintf(out, "%s  %s: %s\n", time.Now().Format("15:04:05"), st.name, line)
			}
			return false, nil
		},
	})
}

// Headline is the first line of a multi-line message, marked "…" when
// there is more (tables keep one line per row; get and status print all).
func Headline(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
