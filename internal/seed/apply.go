// Package seed fills a local control plane with a realistic TKO management
// cluster: a tkg-vsphere-default ClusterClass, workload clusters in every
// state, TanzuKubernetesReleases, packages, identity and load-balancer
// objects. Nothing runs controllers here, so the seed writes each object's
// status through the status subresource exactly as its controller would.
package seed

import (
	"context"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
)

// FieldManager is the server-side apply manager of seeded objects.
const FieldManager = "tko-seed"

// deleteAnnotation marks objects the seed deletes after creating them, so
// that they stay behind their finalizer in the Deleting state.
const deleteAnnotation = "seed.tko.tanzu.vmware.com/delete"

// Applier server-side applies objects and then their status.
type Applier struct {
	dyn    dynamic.Interface
	mapper meta.RESTMapper
	now    time.Time
}

// NewApplier connects to the control plane.
func NewApplier(cfg *rest.Config) (*Applier, error) {
	cfg = rest.CopyConfig(cfg)
	// The seed uses upstream's own (not domain-qualified) finalizer names on purpose.
	cfg.WarningHandler = rest.NoWarnings{}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating client: %w", err)
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating discovery client: %w", err)
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc))
	return &Applier{dyn: dyn, mapper: mapper, now: time.Now().UTC()}, nil
}

// Resource returns the client for an object's kind and namespace.
func (a *Applier) Resource(obj *unstructured.Unstructured) (dynamic.ResourceInterface, error) {
	gvk := obj.GroupVersionKind()
	m, err := a.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("mapping %s: %w", gvk, err)
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return a.dyn.Resource(m.Resource).Namespace(obj.GetNamespace()), nil
	}
	return a.dyn.Resource(m.Resource), nil
}

// Apply applies every object in order; reruns converge.
func (a *Applier) Apply(ctx context.Context, objs []*unstructured.Unstructured) error {
	for _, obj := range objs {
		if err := a.apply(ctx, obj); err != nil {
			return fmt.Errorf("seeding %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return nil
}

func (a *Applier) apply(ctx context.Context, obj *unstructured.Unstructured) error {
	client, err := a.Resource(obj)
	if err != nil {
		return err
	}
	status, hasStatus := obj.Object["status"]
	body := obj.DeepCopy()
	delete(body.Object, "status")
	remove := body.GetAnnotations()[deleteAnnotation] == "true"
	raw, err := body.MarshalJSON()
	if err != nil {
		return err
	}
	force := true
	opts := metav1.PatchOptions{FieldManager: FieldManager, Force: &force}
	applied, err := client.Patch(ctx, obj.GetName(), types.ApplyPatchType, raw, opts)
	if err != nil {
		return err
	}
	if applied.GetDeletionTimestamp() != nil {
		// Already deleting from an earlier run: its status is settled.
		return nil
	}
	if hasStatus {
		st := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": obj.GetAPIVersion(),
			"kind":       obj.GetKind(),
			"metadata":   map[string]any{"name": obj.GetName(), "namespace": obj.GetNamespace()},
			"status":     Stamp(status, applied.GetGeneration(), obj.GroupVersionKind(), a.now),
		}}
		raw, err := st.MarshalJSON()
		if err != nil {
			return err
		}
		// As the owning controller would: through the status subresource.
		if _, err := client.Patch(ctx, obj.GetName(), types.ApplyPatchType, raw, opts, "status"); err != nil {
			return fmt.Errorf("writing status: %w", err)
		}
	}
	if remove {
		if err := client.Delete(ctx, obj.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting: %w", err)
		}
	}
	return nil
}

// Stamp fills what a controller fills when it writes status: transition
// times of conditions (the seed gives minutes before now) and the observed
// generation.
func Stamp(status any, generation int64, gvk schema.GroupVersionKind, now time.Time) any {
	m, ok := status.(map[string]any)
	if !ok {
		return status
	}
	m = runtime.DeepCopyJSON(m)
	if _, ok := m["observedGeneration"]; ok {
		m["observedGeneration"] = generation
	}
	// Cluster API's v1beta2 conditions record the generation they describe;
	// its v1beta1 objects carry those under status.v1beta2.
	capi := strings.HasSuffix(gvk.Group, "cluster.x-k8s.io")
	topGeneration := generation
	if !capi || gvk.Version == "v1beta1" {
		topGeneration = 0
	}
	stampConditions(m, "conditions", now, topGeneration)
	if v2, ok := m["v1beta2"].(map[string]any); ok && capi {
		stampConditions(v2, "conditions", now, generation)
	}
	if dep, ok := m["deprecated"].(map[string]any); ok {
		if v1, ok := dep["v1beta1"].(map[string]any); ok {
			stampConditions(v1, "conditions", now, 0)
		}
	}
	return m
}

func stampConditions(m map[string]any, key string, now time.Time, generation int64) {
	conds, ok := m[key].([]any)
	if !ok {
		return
	}
	for _, c := range conds {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		// The seed gives "minutes ago"; kinds whose conditions carry no time
		// (kapp-controller's) have none.
		switch ago := cm["lastTransitionTime"].(type) {
		case int64:
			cm["lastTransitionTime"] = now.Add(-time.Duration(ago) * time.Minute).Format(time.RFC3339)
		case float64:
			cm["lastTransitionTime"] = now.Add(-time.Duration(ago) * time.Minute).Format(time.RFC3339)
		}
		if generation > 0 {
			cm["observedGeneration"] = generation
		}
	}
}
