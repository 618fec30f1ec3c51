package groups

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// WaitReconciled waits until kapp-controller has reconciled every App of a
// group: nil when all succeeded; the first failure, with kapp-controller's
// own message, as soon as one failed.
func WaitReconciled(ctx context.Context, c *kube.Clients, group string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		apps, err := ReadApps(ctx, c, group)
		if err != nil {
			return err
		}
		var pending []string
		for key, a := range apps {
			state := a.Status.State(a.Object.GetGeneration(), false)
			switch {
			case carvel.Failed(state):
				return &errs.DetailedError{Summary: fmt.Sprintf("app %s: kapp-controller could not deploy it (%s)", key, state), Detail: a.Status.UsefulErrorMessage}
			case state != StateInSync:
				pending = append(pending, key+" "+state)
			}
		}
		if len(pending) == 0 {
			return nil
		}
		if timeout > 0 && time.Now().After(deadline) {
			slices.Sort(pending)
			return &errs.TimeoutError{What: "kapp-controller to reconcile the Apps of group " + group, Timeout: timeout.String(), Last: strings.Join(pending, ", ")}
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(time.Second):
		}
	}
}

// WaitGone waits until the Apps of a group (and intent, when given) are
// gone: kapp-controller has deleted what they deployed.
func WaitGone(ctx context.Context, c *kube.Clients, group, intent string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		apps, err := groupApps(ctx, c, group)
		if err != nil {
			return err
		}
		var left []string
		for _, u := range apps {
			if intent == "" || u.GetLabels()[LabelIntent] == intent {
				left = append(left, u.GetNamespace()+"/"+u.GetName())
			}
		}
		if len(left) == 0 {
			return nil
		}
		if timeout > 0 && time.Now().After(deadline) {
			return &errs.TimeoutError{What: "kapp-controller to delete the Apps of group " + group, Timeout: timeout.String(), Last: "left: " + strings.Join(left, ", ")}
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(time.Second):
		}
	}
}
