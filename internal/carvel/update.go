package carvel

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/retry"

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
// pause unpauses again.
func (c *Client) ApplyUpdate(ctx context.Context, p *UpdatePlan) error {
	if len(p.Changes) == 0 {
		return nil
	}
	ns, name := p.Current.Namespace, p.Current.Name
	pis := c.Dyn.Resource(Installs).Namespace(ns)
	if _, err := pis.Patch(ctx, name, types.MergePatchType, []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
		return fmt.Errorf("pausing %s/%s: %w", ns, name, err)
	}
	unpause := func(cause error) error {
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, err := pis.Patch(cleanup, name, types.MergePatchType, []byte(`{"spec":{"paused":false}}`), metav1.PatchOptions{FieldManager: FieldManager}); err != nil {
			return fmt.Errorf("%w (and unpausing failed: run 'kubectl tko package installed kick %s -n %s')", cause, name, ns)
		}
		return cause
	}
	secretName := ""
	if p.Spec.Values != nil && !p.Spec.Values.Empty() {
		secret, err := p.Spec.valuesSecret()
		if err != nil {
			return unpause(err)
		}
		if existing := p.Current.ValuesSecrets(); len(existing) > 0 {
			// Keep the Secret the install already uses (kctrl's or the tanzu CLI's name).
			secret.Obj.SetName(existing[0])
		}
		secret.Obj.SetAnnotations(map[string]string{AnnotationOwner: p.Spec.owner(), AnnotationOwnerTKG: p.Spec.owner()})
		if err := c.writeSecret(ctx, secret); err != nil {
			return unpause(err)
		}
		secretName = secret.Obj.GetName()
	}
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		u, err := pis.Get(ctx, name, getOptions())
		if err != nil {
			return err
		}
		_ = unstructured.SetNestedField(u.Object, p.Spec.Constraint, "spec", "packageRef", "versionSelection", "constraints")
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
		unstructured.RemoveNestedField(u.Object, "spec", "paused")
		_, err = pis.Update(ctx, u, metav1.UpdateOptions{FieldManager: FieldManager})
		return err
	})
	if err != nil {
		return unpause(fmt.Errorf("updating %s/%s: %w", ns, name, err))
	}
	return nil
}

func (c *Client) writeSecret(ctx context.Context, secret Object) error {
	ri := c.resource(secret)
	cur, err := ri.Get(ctx, secret.Obj.GetName(), getOptions())
	if isNotFound(err) {
		_, err = ri.Create(ctx, secret.Obj, metav1.CreateOptions{FieldManager: FieldManager})
		return err
	}
	if err != nil {
		return err
	}
	cur.Object["stringData"] = secret.Obj.Object["stringData"]
	delete(cur.Object, "data")
	_, err = ri.Update(ctx, cur, metav1.UpdateOptions{FieldManager: FieldManager})
	return err
}

// SetPaused pauses or resumes an install (or a repository).
func (c *Client) SetPaused(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string, paused bool) error {
	patch := fmt.Sprintf(`{"spec":{"paused":%t}}`, paused)
	_, err := c.Dyn.Resource(gvr).Namespace(namespace).Patch(ctx, name, types.MergePatchType, []byte(patch), metav1.PatchOptions{FieldManager: FieldManager})
	return err
}

// Kick makes kapp-controller reconcile now: pausing and resuming gives the
// object a new generation, as kctrl's kick does.
func (c *Client) Kick(ctx context.Context, gvr schema.GroupVersionResource, namespace, name string) error {
	if err := c.SetPaused(ctx, gvr, namespace, name, true); err != nil {
		return err
	}
	return c.SetPaused(ctx, gvr, namespace, name, false)
}

// DeleteInstall deletes a PackageInstall, follows it by watch until
// kapp-controller has removed what it deployed, then deletes the objects
// created for it. A DeleteFailed condition ends the wait with its error.
func (c *Client) DeleteInstall(ctx context.Context, in *Install, opts WaitOptions) error {
	owned := Owned(in)
	err := c.Dyn.Resource(Installs).Namespace(in.Namespace).Delete(ctx, in.Name, metav1.DeleteOptions{})
	if err != nil && !isNotFound(err) {
		return err
	}
	_, err = wait.For(ctx, wait.Spec{
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
			if got.Status.State(0, false) == "DeleteFailed" {
				return false, ReconcileError("package install", in.Namespace, in.Name, got.Status.ReconcileStatus)
			}
			return false, nil
		},
	})
	if err != nil {
		return err
	}
	return c.DeleteOwned(ctx, owned)
}
