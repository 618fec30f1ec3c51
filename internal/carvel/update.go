package carvel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
)

// Change is one difference an update makes (version or a value).
type Change = capi.Change

// UpdatePlan is what an update of an existing install would change.
type UpdatePlan struct {
	Current *Install
	Spec    *InstallSpec // the wanted state; Values nil keeps the current values
	Changes []Change
	// ValuesBefore is the current values, read from the install's Secret.
	ValuesBefore map[string]any
}

// PlanUpdate compares an existing install with the wanted state.
func (c *Client) PlanUpdate(ctx context.Context, cur *Install, spec *InstallSpec) (*UpdatePlan, error) {
	if cur.Spec.PackageRef.RefName != spec.Package.Spec.RefName {
		return nil, fmt.Errorf("package install %s/%s installs %s, not %s: delete it first or pick another name",
			cur.Namespace, cur.Name, cur.Spec.PackageRef.RefName, spec.Package.Spec.RefName)
	}
	p := &UpdatePlan{Current: cur, Spec: spec}
	if cur.Constraint() != spec.Constraint {
		p.Changes = append(p.Changes, Change{Path: "version", Before: cur.Constraint(), After: spec.Constraint})
	}
	before, _, err := c.ReadValues(ctx, cur)
	if err != nil {
		return nil, fmt.Errorf("reading the current values of %s/%s: %w", cur.Namespace, cur.Name, err)
	}
	p.ValuesBefore = before
	if spec.Values != nil {
		var b, a any = before, spec.Values.Data
		if before == nil {
			b = map[string]any{}
		}
		for _, ch := range capi.Diff("", b, a) {
			ch.Path = "values." + ch.Path
			p.Changes = append(p.Changes, ch)
		}
	}
	return p, nil
}

// ApplyUpdate makes the change the way kctrl does, so a half-applied
// update never reconciles: pause the install, write the values Secret,
// then update the version and unpause in one write. A failure after the
// pause puts the old values back before unpausing, so the install never
// reconciles the new values against the old version. An install the user
// had paused stays paused. With dryRun the API server checks the values
// Secret and the install as they would end; nothing is paused or stored.
func (c *Client) ApplyUpdate(ctx context.Context, p *UpdatePlan, dryRun bool) error {
	if len(p.Changes) == 0 {
		return nil
	}
	ns, name := p.Current.Namespace, p.Current.Name
	wasPaused := p.Current.Spec.Paused
	pis := c.Dyn.Resource(Installs).Namespace(ns)
	if !dryRun {
		if _, err := pis.Patch(ctx, name, types.MergePatchType, []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{FieldManager: kube.FieldManager}); err != nil {
			return fmt.Errorf("pausing %s/%s: %w", ns, name, err)
		}
	}
	var restoreSecret func(context.Context) error
	undo := func(cause error) error {
		if dryRun {
			return cause
		}
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if restoreSecret != nil {
			if err := restoreSecret(cleanup); err != nil {
				return fmt.Errorf("%w (and restoring the old values failed, so the install stays paused: fix the values Secret, then run 'kubectl tko package installed resume %s -n %s')", cause, name, ns)
			}
		}
		if wasPaused {
			return cause
		}
		if _, err := pis.Patch(cleanup, name, types.MergePatchType, []byte(`{"spec":{"paused":false}}`), metav1.PatchOptions{FieldManager: kube.FieldManager}); err != nil {
			return fmt.Errorf("%w (and unpausing failed: run 'kubectl tko package installed resume %s -n %s')", cause, name, ns)
		}
		return cause
	}
	if !dryRun && !wasPaused {
		if err := c.awaitAppPaused(ctx, ns, name); err != nil {
			return undo(err)
		}
	}
	secretName := ""
	if p.Spec.Values != nil && !p.Spec.Values.Empty() {
		secret, err := p.Spec.valuesSecret()
		if err != nil {
			return undo(err)
		}
		// Rewrite the Secret the install's annotations say was created for it
		// (ours, kctrl's or the tanzu CLI's); a Secret the user manages
		// elsewhere is left alone and a new one of ours takes its place.
		if owned := p.Current.ownedSecret(); owned != "" {
			secret.Obj.SetName(owned)
		}
		secret.Obj.SetAnnotations(map[string]string{AnnotationOwner: p.Spec.owner(), AnnotationOwnerTKG: p.Spec.owner()})
		if restoreSecret, err = c.writeSecret(ctx, secret, dryRun); err != nil {
			return undo(err)
		}
		secretName = secret.Obj.GetName()
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		u, err := pis.Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		_ = unstructured.SetNestedMap(u.Object, versionSelection(p.Spec.Package, p.Spec.Constraint), "spec", "packageRef", "versionSelection")
		switch {
		case secretName != "":
			_ = unstructured.SetNestedSlice(u.Object, []any{map[string]any{"secretRef": map[string]any{"name": secretName}}}, "spec", "values")
			ann := u.GetAnnotations()
			if ann == nil {
				ann = map[string]string{}
			}
			if ann[annotationPrefixTKG+"Secret"] == "" || ann[annotationPrefix+"Secret"] != "" {
				ann[annotationPrefix+"Secret"] = secretName
			}
			u.SetAnnotations(ann)
		case p.Spec.Values != nil:
			unstructured.RemoveNestedField(u.Object, "spec", "values")
		}
		if wasPaused {
			_ = unstructured.SetNestedField(u.Object, true, "spec", "paused")
		} else {
			unstructured.RemoveNestedField(u.Object, "spec", "paused")
		}
		_, err = pis.Update(ctx, u, metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
		return err
	})
	if err != nil {
		return undo(fmt.Errorf("updating %s/%s: %w", ns, name, err))
	}
	return nil
}

// awaitAppPaused waits until kapp-controller has paused the install's App.
// It computes an install's status from its App before it updates the App:
// resumed before the App was seen paused, the App's spec may not change,
// and the install would report the App's old success for values not yet
// deployed. A controller that does not answer within appPauseTimeout is
// not waited for longer here; the wait after the update says it is stuck.
func (c *Client) awaitAppPaused(ctx context.Context, namespace, name string) error {
	_, err := wait.For(ctx, wait.Spec{
		Client: c.Dyn.Resource(Apps).Namespace(namespace), Namespace: namespace, Name: name,
		What: fmt.Sprintf("the App of %s/%s to pause", namespace, name), Timeout: appPauseTimeout,
		Check: func(u *unstructured.Unstructured) (bool, error) {
			if u == nil {
				return true, nil
			}
			paused, _, _ := unstructured.NestedBool(u.Object, "spec", "paused")
			return paused, nil
		},
	})
	var timeout *errs.TimeoutError
	if errors.As(err, &timeout) {
		return nil
	}
	return err
}

const appPauseTimeout = 30 * time.Second

// ownedSecret is the values Secret the install's annotations say was
// created for it, if it still uses it.
func (i *Install) ownedSecret() string {
	ann := i.Object.GetAnnotations()
	for _, name := range i.ValuesSecrets() {
		for _, prefix := range []string{annotationPrefix, annotationPrefixTKG} {
			owned := ann[prefix+"Secret"]
			if _, after, ok := strings.Cut(owned, "/"); ok {
				owned = after // the tanzu CLI writes namespace/name
			}
			if owned == name {
				return name
			}
		}
	}
	return ""
}

// writeSecret creates or rewrites a Secret (with dryRun, only checked)
// and returns how to put back what was there before.
func (c *Client) writeSecret(ctx context.Context, secret Object, dryRun bool) (func(context.Context) error, error) {
	ri := c.resource(secret)
	cur, err := ri.Get(ctx, secret.Obj.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if _, err := ri.Create(ctx, secret.Obj, metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			err := ri.Delete(ctx, secret.Obj.GetName(), metav1.DeleteOptions{})
			if apierrors.IsNotFound(err) {
				return nil
			}
			return err
		}, nil
	}
	if err != nil {
		return nil, err
	}
	before := cur.DeepCopy()
	cur.Object["stringData"] = secret.Obj.Object["stringData"]
	delete(cur.Object, "data")
	if _, err := ri.Update(ctx, cur, metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}); err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		return retry.RetryOnConflict(retry.DefaultRetry, func() error {
			now, err := ri.Get(ctx, before.GetName(), metav1.GetOptions{})
			if err != nil {
				return err
			}
			now.Object["data"] = before.Object["data"]
			delete(now.Object, "stringData")
			_, err = ri.Update(ctx, now, metav1.UpdateOptions{FieldManager: kube.FieldManager})
			return err
		})
	}, nil
}

// SetPaused pauses or resumes an install (or a repository).
func (c *Client) SetPaused(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, paused bool) error {
	patch := fmt.Sprintf(`{"spec":{"paused":%t}}`, paused)
	_, err := c.Dyn.Resource(gvr).Namespace(namespace).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: kube.FieldManager})
	return err
}

// Kick makes kapp-controller reconcile now: pausing and resuming gives the
// object a new generation, as kctrl's kick does.
func (c *Client) Kick(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) error {
	if err := c.SetPaused(ctx, gvr, namespace, name, true); err != nil {
		return err
	}
	// Once paused it is resumed, even when the command is interrupted now:
	// a kick never leaves the object paused.
	resume, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return c.SetPaused(resume, gvr, namespace, name, false)
}

// DeleteInstall deletes a PackageInstall, follows it by watch until
// kapp-controller has removed what it deployed, then deletes the objects
// created for it. A DeleteFailed condition ends the wait with its error.
func (c *Client) DeleteInstall(ctx context.Context, in *Install, opts WaitOptions) error {
	owned := Owned(in)
	if err := wait.Delete(ctx, c.Dyn.Resource(Installs).Namespace(in.Namespace), in.Name, metav1.DeleteOptions{}); err != nil {
		return err
	}
	_, err := wait.For(ctx, wait.Spec{
		Client: c.Dyn.Resource(Installs).Namespace(in.Namespace), Namespace: in.Namespace, Name: in.Name,
		What: fmt.Sprintf("package install %s/%s to be deleted", in.Namespace, in.Name), Timeout: opts.Timeout,
		Summary: Summary, Progress: opts.Progress,
		Check: func(u *unstructured.Unstructured) (bool, error) {
			if u == nil {
				return true, nil
			}
			got, err := AsInstall(u)
			if err != nil {
				return false, err
			}
			// Only a failure seen at the current generation: an old DeleteFailed
			// the user has since fixed is not this deletion's result.
			if got.Status.State(u.GetGeneration(), false) == "DeleteFailed" {
				return false, ReconcileError("package install", in.Namespace, in.Name, got.Status.ReconcileStatus)
			}
			return false, nil
		},
	})
	if err != nil {
		return err
	}
	return c.DeleteOwned(ctx, owned, false)
}

// CheckDelete has the API server check the deletion of an install and of
// the objects created for it; nothing is deleted.
func (c *Client) CheckDelete(ctx context.Context, in *Install) error {
	err := c.Dyn.Resource(Installs).Namespace(in.Namespace).Delete(ctx, in.Name, metav1.DeleteOptions{DryRun: kube.DryRun(true)})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting package install %s/%s: %w", in.Namespace, in.Name, err)
	}
	return c.DeleteOwned(ctx, Owned(in), true)
}
