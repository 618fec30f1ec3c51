package groups

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// A security policy attached with HoldLabels has kapp hold its Pod
// Security labels too: the App deploys each namespace of its scope with
// kapp's orphan delete strategy, so kapp adopts the existing namespace,
// puts a label removed by hand back every sync period, and on detach
// forgets the namespace instead of deleting it. A rebase rule keeps every
// label and annotation the namespace has from others: kapp's plain update
// would otherwise replace them with the App's.

// LabelHoldsNamespaces marks an App that deploys namespaces (orphaned on delete).
const LabelHoldsNamespaces = kube.Domain + "/holds-namespaces"

const (
	kappApp        = "kapp.k14s.io/app"
	kappOrphaned   = "kapp.k14s.io/orphaned"
	deleteStrategy = "kapp.k14s.io/delete-strategy"
)

// kapp's marks on a resource it deployed, left on an orphaned namespace.
var (
	kappLabels      = []string{kappOrphaned, "kapp.k14s.io/association"}
	kappAnnotations = []string{deleteStrategy, "kapp.k14s.io/identity", "kapp.k14s.io/original", "kapp.k14s.io/original-diff-md5"}
)

// holdNamespaces splits the namespaces of a policy: those kapp may hold
// come back orphan-annotated; those another kapp app deployed (kapp
// refuses a resource of two apps, failing the whole App) are left to
// server-side apply.
func holdNamespaces(ctx context.Context, member dynamic.Interface, name string, nss []*unstructured.Unstructured) (held, applied []*unstructured.Unstructured, err error) {
	list, err := member.Resource(Namespaces).List(ctx, metav1.ListOptions{LabelSelector: kappApp})
	if err != nil {
		return nil, nil, fmt.Errorf("listing the namespaces kapp deployed: %w", err)
	}
	foreign := map[string]bool{}
	for _, ns := range list.Items {
		if ns.GetLabels()[policy.LabelPolicy] != name {
			foreign[ns.GetName()] = true
		}
	}
	for _, ns := range nss {
		if foreign[ns.GetName()] {
			applied = append(applied, ns)
			continue
		}
		ns = ns.DeepCopy()
		a := ns.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[deleteStrategy] = "orphan"
		ns.SetAnnotations(a)
		held = append(held, ns)
	}
	return held, applied, nil
}

// namespaceRebase is a kapp Config (read by kapp, never applied) whose
// rebase rule merges a namespace's labels and annotations as they are in
// the member under the App's: kapp sets its own, keeps everyone else's.
func namespaceRebase() *unstructured.Unstructured {
	overlay := `#@ load("@ytt:data", "data")
#@ load("@ytt:overlay", "overlay")
#@ load("@ytt:struct", "struct")
#@ existing = struct.decode(data.values.existing)["metadata"]
#@ current = struct.decode(data.values._current)["metadata"]
#@ def merged(kind):
#@   out = dict(existing.get(kind) or {})
#@   out.update(current.get(kind) or {})
#@   return out
#@ end
#@overlay/match by=overlay.all
---
metadata:
  #@overlay/replace or_add=True
  labels: #@ merged("labels")
  #@overlay/replace or_add=True
  annotations: #@ merged("annotations")
`
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kapp.k14s.io/v1alpha1", "kind": "Config",
		"metadata": map[string]any{"name": "tko-namespace-rebase"},
		"rebaseRules": []any{map[string]any{
			"ytt":              map[string]any{"overlayContractV1": map[string]any{"overlay.yml": overlay}},
			"resourceMatchers": []any{map[string]any{"apiVersionKindMatcher": map[string]any{"apiVersion": "v1", "kind": "Namespace"}}},
		}},
	}}
}

// waitGone waits, a bounded time, until kapp-controller has deleted an
// App (and so orphaned its namespaces): the labels are removed after
// kapp's last write to them, not before.
func waitGone(ctx context.Context, c *kube.Clients, u *unstructured.Unstructured, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		_, err := c.Dynamic.Resource(carvel.Apps).Namespace(u.GetNamespace()).Get(ctx, u.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) || ctx.Err() != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// forgetKapp removes what kapp left on namespaces it orphaned.
func forgetKapp(ctx context.Context, member dynamic.Interface, names []string, dryRun bool) error {
	for _, name := range names {
		ns, err := member.Resource(Namespaces).Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("reading namespace %s: %w", name, err)
		}
		if _, orphaned := ns.GetLabels()[kappOrphaned]; !orphaned {
			continue
		}
		labels, annotations := map[string]any{}, map[string]any{}
		for _, k := range kappLabels {
			labels[k] = nil
		}
		for _, k := range kappAnnotations {
			annotations[k] = nil
		}
		raw, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": labels, "annotations": annotations}})
		if _, err := member.Resource(Namespaces).Patch(ctx, name, types.MergePatchType, raw, metav1.PatchOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("removing kapp's marks from namespace %s: %w", name, err)
		}
	}
	return nil
}
