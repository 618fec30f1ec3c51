// Package access works with who may do what on a cluster: idempotent
// RoleBindings and ClusterRoleBindings for Pinniped users and groups.
package access

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// The subject kinds a grant names.
const (
	KindUser  = "User"
	KindGroup = "Group"
)

// LabelGrant marks the bindings grant creates (and revoke may delete).
const LabelGrant = kube.Domain + "/grant"

var (
	// SelfSubjectRulesReviews and SelfSubjectAccessReviews are the review resources a user may create about themselves.
	SelfSubjectRulesReviews  = schema.GroupVersionResource{Group: "authorization.k8s.io", Version: "v1", Resource: "selfsubjectrulesreviews"}
	SelfSubjectAccessReviews = schema.GroupVersionResource{Group: "authorization.k8s.io", Version: "v1", Resource: "selfsubjectaccessreviews"}
	roles                    = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"}
	clusterRoles             = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"}
	roleBindings             = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	clusterRoleBindings      = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"}
)

// Grant is a ClusterRole given to a user or group, in a namespace or
// cluster-wide (Namespace "").
type Grant struct {
	Kind      string // KindUser or KindGroup
	Name      string // as the cluster sees it (kubectl tko auth whoami), e.g. oidc:alice@example.com
	Role      string // a ClusterRole: view, edit, admin, cluster-admin, ...
	Namespace string
}

// Validate refuses what RBAC would.
func (g Grant) Validate() error {
	switch {
	case g.Kind != KindUser && g.Kind != KindGroup:
		return errs.Invalidf("subject kind %q is neither %s nor %s", g.Kind, KindUser, KindGroup)
	case g.Name == "":
		return errs.Invalidf("no user or group named")
	case g.Role == "" || strings.ContainsAny(g.Role, "/%"):
		return errs.Invalidf("role %q is not a ClusterRole name", g.Role)
	}
	return nil
}

// BindingName is the binding's deterministic name, so that granting twice
// finds the same object: tko:<role>:<user|group>:<name>, with the
// characters RBAC names refuse replaced.
func (g Grant) BindingName() string {
	name := strings.NewReplacer("/", "-", "%", "-").Replace(g.Name)
	return "tko:" + g.Role + ":" + strings.ToLower(g.Kind) + ":" + name
}

// Object is the RoleBinding (with a namespace) or ClusterRoleBinding.
func (g Grant) Object() *unstructured.Unstructured {
	kind := "ClusterRoleBinding"
	if g.Namespace != "" {
		kind = "RoleBinding"
	}
	meta := map[string]any{"name": g.BindingName(), "labels": map[string]any{LabelGrant: "true"}}
	if g.Namespace != "" {
		meta["namespace"] = g.Namespace
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rbac.authorization.k8s.io/v1",
		"kind":       kind,
		"metadata":   meta,
		"roleRef":    map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": g.Role},
		"subjects":   []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": g.Kind, "name": g.Name}},
	}}
}

func (g Grant) resource(dyn dynamic.Interface) dynamic.ResourceInterface {
	if g.Namespace != "" {
		return dyn.Resource(roleBindings).Namespace(g.Namespace)
	}
	return dyn.Resource(clusterRoleBindings)
}

// The outcomes of Apply and Revoke, as kubectl words them.
const (
	Created    = "created"
	Configured = "configured"
	Unchanged  = "unchanged"
	Deleted    = "deleted"
	Absent     = "absent"
)

// Apply creates the binding, or repairs its subjects; a binding already
// as wanted is left alone. dryRun asks the API server to check without
// storing.
func Apply(ctx context.Context, dyn dynamic.Interface, g Grant, dryRun bool) (string, *unstructured.Unstructured, error) {
	want := g.Object()
	res := g.resource(dyn)
	have, err := res.Get(ctx, want.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		obj, err := res.Create(ctx, want, metav1.CreateOptions{DryRun: kube.DryRun(dryRun), FieldManager: kube.FieldManager})
		if err != nil {
			return "", nil, fmt.Errorf("creating %s %s: %w", want.GetKind(), want.GetName(), err)
		}
		return Created, obj, nil
	}
	if err != nil {
		return "", nil, err
	}
	subjects, _, _ := unstructured.NestedSlice(have.Object, "subjects")
	if len(subjects) == 1 && fmt.Sprint(subjects[0]) == fmt.Sprint(want.Object["subjects"].([]any)[0]) {
		return Unchanged, have, nil
	}
	have.Object["subjects"] = want.Object["subjects"]
	obj, err := res.Update(ctx, have, metav1.UpdateOptions{DryRun: kube.DryRun(dryRun), FieldManager: kube.FieldManager})
	if err != nil {
		return "", nil, fmt.Errorf("updating %s %s: %w", want.GetKind(), want.GetName(), err)
	}
	return Configured, obj, nil
}

// Revoke deletes the binding Apply made; an absent one is not an error.
func Revoke(ctx context.Context, dyn dynamic.Interface, g Grant, dryRun bool) (string, *unstructured.Unstructured, error) {
	obj := g.Object()
	err := g.resource(dyn).Delete(ctx, obj.GetName(), metav1.DeleteOptions{DryRun: kube.DryRun(dryRun)})
	if apierrors.IsNotFound(err) {
		return Absent, obj, nil
	}
	if err != nil {
		return "", nil, fmt.Errorf("deleting %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	return Deleted, obj, nil
}
