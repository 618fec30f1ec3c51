package carvel

import (
	"context"

	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	semver "github.com/carvel-dev/semver/v4"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Annotations kctrl and the tanzu CLI write, so installs made here are
// recognised (and deleted cleanly) by them, and theirs by us.
const (
	AnnotationOwner     = "packaging.carvel.dev/package"
	AnnotationOwnerTKG  = "tkg.tanzu.vmware.com/tanzu-package"
	annotationPrefix    = "packaging.carvel.dev/package-"
	annotationPrefixTKG = "tkg.tanzu.vmware.com/tanzu-package-"

	valuesKey = "values.yaml"
)

// RBAC modes of an install's ServiceAccount.
const (
	RBACClusterAdmin = "cluster-admin"
	RBACNamespace    = "namespace"
	RBACNone         = "none"
)

// InstallSpec is everything an install needs, resolved and validated.
type InstallSpec struct {
	Name      string // the PackageInstall's name
	Namespace string
	Package   *Package
	// Constraint goes into versionSelection: the exact version, or the
	// user's constraint so kapp-controller follows it.
	Constraint string
	Values     *Values
	// ServiceAccount names an existing ServiceAccount; empty creates one.
	ServiceAccount string
	RBAC           string
	// Cluster targets a workload cluster through its kubeconfig Secret
	// (kapp-controller's remote-cluster support); empty installs here.
	Cluster         string
	TargetNamespace string
	Labels          map[string]string
}

// owner is kctrl's "<name>-<namespace>" prefix of created objects.
func (s *InstallSpec) owner() string { return s.Name + "-" + s.Namespace }

// Object is one object of an install plan, with its resource.
type Object struct {
	GVR schema.GroupVersionResource
	Obj *unstructured.Unstructured
}

// Kind is "Kind/name" for messages.
func (o Object) String() string { return o.Obj.GetKind() + "/" + o.Obj.GetName() }

func newObject(gvr schema.GroupVersionResource, apiVersion, kind, namespace, name string) Object {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
	u.SetName(name)
	if namespace != "" {
		u.SetNamespace(namespace)
	}
	return Object{GVR: gvr, Obj: u}
}

// Plan lists the objects of an install in creation order: ServiceAccount
// and RBAC (unless an existing ServiceAccount or a remote cluster is used),
// the values Secret, then the PackageInstall.
func (s *InstallSpec) Plan() ([]Object, error) {
	var out []Object
	owned := map[string]any{AnnotationOwner: s.owner(), AnnotationOwnerTKG: s.owner()}
	piAnnotations := map[string]string{}
	note := func(kind, name string) {
		piAnnotations[annotationPrefix+kind] = name
		piAnnotations[annotationPrefixTKG+kind] = name
	}
	sa := s.ServiceAccount
	if sa == "" && s.Cluster == "" {
		sa = s.owner() + "-sa"
		o := newObject(ServiceAccounts, "v1", "ServiceAccount", s.Namespace, sa)
		out = append(out, o)
		note("ServiceAccount", sa)
		subject := []any{map[string]any{"kind": "ServiceAccount", "name": sa, "namespace": s.Namespace}}
		everything := []any{map[string]any{"apiGroups": []any{"*"}, "resources": []any{"*"}, "verbs": []any{"*"}}}
		switch s.RBAC {
		case RBACClusterAdmin, "":
			role := newObject(ClusterRoles, "rbac.authorization.k8s.io/v1", "ClusterRole", "", s.owner()+"-cluster-role")
			role.Obj.Object["rules"] = everything
			bind := newObject(ClusterRoleBindings, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", s.owner()+"-cluster-rolebinding")
			bind.Obj.Object["roleRef"] = map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role.Obj.GetName()}
			bind.Obj.Object["subjects"] = subject
			out = append(out, role, bind)
			note("ClusterRole", role.Obj.GetName())
			note("ClusterRoleBinding", bind.Obj.GetName())
		case RBACNamespace:
			role := newObject(Roles, "rbac.authorization.k8s.io/v1", "Role", s.Namespace, s.owner()+"-role")
			role.Obj.Object["rules"] = everything
			bind := newObject(RoleBindings, "rbac.authorization.k8s.io/v1", "RoleBinding", s.Namespace, s.owner()+"-rolebinding")
			bind.Obj.Object["roleRef"] = map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role.Obj.GetName()}
			bind.Obj.Object["subjects"] = subject
			out = append(out, role, bind)
			note("Role", role.Obj.GetName())
			note("RoleBinding", bind.Obj.GetName())
		case RBACNone:
		default:
			return nil, errs.Invalidf("RBAC mode %q: use cluster-admin, namespace or none", s.RBAC)
		}
	}
	spec := map[string]any{
		"packageRef": map[string]any{"refName": s.Package.Spec.RefName, "versionSelection": versionSelection(s.Package, s.Constraint)},
	}
	if s.Cluster != "" {
		cluster := map[string]any{"kubeconfigSecretRef": map[string]any{"name": s.Cluster + "-kubeconfig", "key": "value"}}
		if s.TargetNamespace != "" {
			cluster["namespace"] = s.TargetNamespace
		}
		spec["cluster"] = cluster
	} else {
		spec["serviceAccountName"] = sa
	}
	if s.Values != nil && !s.Values.Empty() {
		secret, err := s.valuesSecret()
		if err != nil {
			return nil, err
		}
		out = append(out, secret)
		note("Secret", secret.Obj.GetName())
		spec["values"] = []any{map[string]any{"secretRef": map[string]any{"name": secret.Obj.GetName()}}}
	}
	for i := range out {
		out[i].Obj.SetAnnotations(toStrings(owned))
		out[i].Obj.SetLabels(s.Labels)
	}
	pi := newObject(Installs, PackagingGroup+"/v1alpha1", "PackageInstall", s.Namespace, s.Name)
	pi.Obj.Object["spec"] = spec
	pi.Obj.SetAnnotations(piAnnotations)
	pi.Obj.SetLabels(s.Labels)
	return append(out, pi), nil
}

// versionSelection is the PackageInstall's packageRef.versionSelection: a
// pre-release is only selected by kapp-controller when pre-releases are
// allowed, so an exact pre-release version allows them.
func versionSelection(pkg *Package, constraint string) map[string]any {
	sel := map[string]any{"constraints": constraint}
	if v, err := semver.Parse(pkg.Spec.Version); err == nil && len(v.Pre) > 0 && constraint == pkg.Spec.Version {
		sel["prereleases"] = map[string]any{}
	}
	return sel
}

func (s *InstallSpec) valuesSecret() (Object, error) {
	raw, err := s.Values.YAML()
	if err != nil {
		return Object{}, fmt.Errorf("encoding values: %w", err)
	}
	o := newObject(Secrets, "v1", "Secret", s.Namespace, s.owner()+"-values")
	o.Obj.Object["type"] = "Opaque"
	o.Obj.Object["stringData"] = map[string]any{valuesKey: string(raw)}
	return o, nil
}

func toStrings(m map[string]any) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

func (c *Client) resource(o Object) dynamic.ResourceInterface {
	if ns := o.Obj.GetNamespace(); ns != "" {
		return c.Dyn.Resource(o.GVR).Namespace(ns)
	}
	return c.Dyn.Resource(o.GVR)
}

// Result says what an apply did to an object.
type Result string

// What Apply did.
const (
	Created   Result = "created"
	Updated   Result = "updated"
	Unchanged Result = "unchanged"
)

// CheckNamespace fails with a hint when the namespace does not exist.
func (c *Client) CheckNamespace(ctx context.Context, namespace string) error {
	_, err := c.Dyn.Resource(Namespaces).Get(ctx, namespace, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return &errs.NotFoundError{Kind: "namespace", Name: namespace, Hint: fmt.Sprintf("create it with 'kubectl create namespace %s' or pass --create-namespace", namespace)}
	}
	if apierrors.IsForbidden(err) {
		return nil // users who may not read namespaces may still install into one
	}
	return err
}

// Apply creates the plan's objects, or updates the ones a previous run of
// the same install left (so reruns converge). If any step fails, or the
// context ends, the objects it created are deleted again, so a failed
// install leaves nothing half-made. With dryRun the API server checks
// each object and nothing is stored.
func (c *Client) Apply(ctx context.Context, plan []Object, dryRun bool) (Result, error) {
	var created []Object
	changed := false
	rollback := func(cause error) error {
		if dryRun || len(created) == 0 {
			return cause
		}
		// The command's context may be the one that ended: clean up on our own.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		var failed []string
		for i := len(created) - 1; i >= 0; i-- {
			o := created[i]
			if err := c.resource(o).Delete(cleanup, o.Obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				failed = append(failed, o.String())
			}
		}
		if len(failed) > 0 {
			return fmt.Errorf("%w (and removing what was created failed for %s: delete them by hand)", cause, strings.Join(failed, ", "))
		}
		return cause
	}
	for _, o := range plan {
		if err := ctx.Err(); err != nil {
			return "", rollback(context.Cause(ctx))
		}
		res, err := c.applyOne(ctx, o, dryRun)
		if err != nil {
			return "", rollback(err)
		}
		switch res {
		case Created:
			created = append(created, o)
			changed = true
		case Updated:
			changed = true
		}
	}
	switch {
	case len(created) > 0 && len(created) == len(plan):
		return Created, nil
	case changed || len(created) > 0:
		return Updated, nil
	}
	return Unchanged, nil
}

// applyOne creates an object or brings an existing one of ours to the
// planned content.
func (c *Client) applyOne(ctx context.Context, o Object, dryRun bool) (Result, error) {
	opts := metav1.CreateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}
	ri := c.resource(o)
	_, err := ri.Create(ctx, o.Obj, opts)
	if err == nil {
		return Created, nil
	}
	if !apierrors.IsAlreadyExists(err) {
		return "", fmt.Errorf("creating %s: %w", o, err)
	}
	result := Unchanged
	err = retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := ri.Get(ctx, o.Obj.GetName(), metav1.GetOptions{})
		if err != nil {
			return err
		}
		if o.GVR != Installs && current.GetAnnotations()[AnnotationOwner] != o.Obj.GetAnnotations()[AnnotationOwner] {
			return fmt.Errorf("%s already exists and does not belong to this install (annotation %s=%q): pick another install name or remove it", o, AnnotationOwner, current.GetAnnotations()[AnnotationOwner])
		}
		updated := current.DeepCopy()
		for k, v := range o.Obj.Object {
			if k == "metadata" || k == "status" {
				continue
			}
			updated.Object[k] = v
		}
		if o.GVR == Secrets {
			// stringData is write-only: compare what is stored.
			if same, _ := sameSecretData(current, o.Obj); same {
				return nil
			}
		}
		ann := updated.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		maps.Copy(ann, o.Obj.GetAnnotations())
		updated.SetAnnotations(ann)
		labels := updated.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		maps.Copy(labels, o.Obj.GetLabels())
		updated.SetLabels(labels)
		if equalContent(current, updated) {
			return nil
		}
		uopts := metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}
		if _, err := ri.Update(ctx, updated, uopts); err != nil {
			return err
		}
		result = Updated
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("updating %s: %w", o, err)
	}
	return result, nil
}

func sameSecretData(current, planned *unstructured.Unstructured) (bool, error) {
	data, _, _ := unstructured.NestedStringMap(current.Object, "data")
	want, _, _ := unstructured.NestedStringMap(planned.Object, "stringData")
	if len(data) != len(want) {
		return false, nil
	}
	for k, v := range want {
		if decodeBase64(data[k]) != v {
			return false, nil
		}
	}
	return true, nil
}

func equalContent(a, b *unstructured.Unstructured) bool {
	strip := func(u *unstructured.Unstructured) map[string]any {
		m := u.DeepCopy().Object
		delete(m, "status")
		md, _ := m["metadata"].(map[string]any)
		m["metadata"] = map[string]any{"labels": md["labels"], "annotations": md["annotations"]}
		return m
	}
	return fmt.Sprint(strip(a)) == fmt.Sprint(strip(b))
}

// Owned lists the objects a PackageInstall's annotations say were created
// for it (by us, kctrl or the tanzu CLI), for deletion.
func Owned(in *Install) []Object {
	ann := in.Object.GetAnnotations()
	kinds := []struct {
		kind       string
		gvr        schema.GroupVersionResource
		namespaced bool
	}{
		{"Secret", Secrets, true}, {"RoleBinding", RoleBindings, true}, {"Role", Roles, true},
		{"ClusterRoleBinding", ClusterRoleBindings, false}, {"ClusterRole", ClusterRoles, false}, {"ServiceAccount", ServiceAccounts, true},
	}
	var out []Object
	seen := map[string]bool{}
	for _, k := range kinds {
		for _, prefix := range []string{annotationPrefix, annotationPrefixTKG} {
			name := ann[prefix+k.kind]
			if name == "" {
				continue
			}
			ns := ""
			if k.namespaced {
				ns = in.Namespace
				// The tanzu CLI writes "namespace/name".
				if before, after, ok := strings.Cut(name, "/"); ok {
					ns, name = before, after
				}
			}
			key := k.kind + "/" + ns + "/" + name
			if seen[key] {
				continue
			}
			seen[key] = true
			o := newObject(k.gvr, "", k.kind, ns, name)
			out = append(out, o)
		}
	}
	return out
}

// DeleteOwned deletes the objects created for an install; missing ones are
// fine (a rerun after a partial delete converges). With dryRun the API
// server checks each deletion and nothing is deleted.
func (c *Client) DeleteOwned(ctx context.Context, objs []Object, dryRun bool) error {
	var errs []error
	for _, o := range objs {
		if err := c.resource(o).Delete(ctx, o.Obj.GetName(), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)}); err != nil && !apierrors.IsNotFound(err) {
			errs = append(errs, fmt.Errorf("deleting %s: %w", o, err))
		}
	}
	return errors.Join(errs...)
}

// ReadValues returns the values an install was given (its values
// Secrets, each key a values file, merged in order) and their text. A
// Secret that no longer exists counts as no values, so an update that
// writes new ones can repair the install.
func (c *Client) ReadValues(ctx context.Context, in *Install) (map[string]any, string, error) {
	var (
		merged map[string]any
		texts  []string
	)
	for _, name := range in.ValuesSecrets() {
		u, err := c.Dyn.Resource(Secrets).Namespace(in.Namespace).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		data, _, _ := unstructured.NestedStringMap(u.Object, "data")
		for _, k := range slices.Sorted(maps.Keys(data)) {
			text := decodeBase64(data[k])
			texts = append(texts, text)
			vals, err := LoadValues(name+"/"+k, []byte(text), nil)
			if err != nil {
				return nil, strings.Join(texts, "\n---\n"), err
			}
			if merged == nil {
				merged = map[string]any{}
			}
			maps.Copy(merged, vals.Data)
		}
	}
	return merged, strings.Join(texts, "\n---\n"), nil
}

// Leftovers finds what was created for an install whose PackageInstall is
// already gone (a delete interrupted after that step): objects with kctrl's
// names that carry the install's owner annotation.
func (c *Client) Leftovers(ctx context.Context, namespace, name string) ([]Object, error) {
	owner := name + "-" + namespace
	candidates := []Object{
		newObject(Secrets, "v1", "Secret", namespace, owner+"-values"),
		newObject(RoleBindings, "rbac.authorization.k8s.io/v1", "RoleBinding", namespace, owner+"-rolebinding"),
		newObject(Roles, "rbac.authorization.k8s.io/v1", "Role", namespace, owner+"-role"),
		newObject(ClusterRoleBindings, "rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", owner+"-cluster-rolebinding"),
		newObject(ClusterRoles, "rbac.authorization.k8s.io/v1", "ClusterRole", "", owner+"-cluster-role"),
		newObject(ServiceAccounts, "v1", "ServiceAccount", namespace, owner+"-sa"),
	}
	var out []Object
	for _, o := range candidates {
		u, err := c.resource(o).Get(ctx, o.Obj.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if u.GetAnnotations()[AnnotationOwner] == owner || u.GetAnnotations()[AnnotationOwnerTKG] == owner {
			out = append(out, o)
		}
	}
	return out, nil
}
