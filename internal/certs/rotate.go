package certs

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// NotAvailableError refuses to roll the control plane of a cluster that is
// not Available: replacing its machines now would add to what is wrong.
type NotAvailableError struct {
	Cluster, Status, Message string
}

func (e *NotAvailableError) Error() string {
	msg := fmt.Sprintf("cluster %s is %s, not Available: rolling its control plane now could take it down; fix it first", e.Cluster, e.Status)
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg
}

// Class implements errs.Classed: the cluster exists and is not fit for it.
func (e *NotAvailableError) Class() errs.Class { return errs.ClassFailed }

// Rotation is a control-plane rollout asked for by Rotate.
type Rotation struct {
	KCP        *unstructured.Unstructured // as stored (or as it would be)
	GVR        schema.GroupVersionResource
	Field      string // the field set: spec.rolloutAfter or spec.rollout.after
	Generation int64  // the KubeadmControlPlane's generation with it
}

// Rotate renews a cluster's control-plane certificates the Cluster API
// way: rolloutAfter on its KubeadmControlPlane set to now, so that every
// control-plane machine is replaced and kubeadm issues new certificates.
// A cluster that is not Available is refused.
func Rotate(ctx context.Context, dyn dynamic.Interface, api capi.API, cluster *unstructured.Unstructured, now time.Time, dryRun bool) (*Rotation, error) {
	view := capi.FromUnstructured(cluster)
	key := cluster.GetNamespace() + "/" + cluster.GetName()
	if view.Status != capi.StatusAvailable {
		return nil, &NotAvailableError{Cluster: key, Status: view.Status, Message: view.Message}
	}
	kind, _, _ := unstructured.NestedString(cluster.Object, "spec", "controlPlaneRef", "kind")
	name, _, _ := unstructured.NestedString(cluster.Object, "spec", "controlPlaneRef", "name")
	gvr, served := api.GroupResource("controlplane.cluster.x-k8s.io", "kubeadmcontrolplanes")
	if kind != "KubeadmControlPlane" || !served {
		return nil, errs.Invalidf("cluster %s has no KubeadmControlPlane (its control plane is %q): only kubeadm control planes are rolled this way", key, kind)
	}
	at := now.UTC().Truncate(time.Second).Format(time.RFC3339)
	field, patch := "spec.rollout.after", map[string]any{"spec": map[string]any{"rollout": map[string]any{"after": at}}}
	if gvr.Version == "v1beta1" {
		field, patch = "spec.rolloutAfter", map[string]any{"spec": map[string]any{"rolloutAfter": at}}
	}
	raw, err := json.Marshal(patch)
	if err != nil {
		return nil, err
	}
	kcp, err := dyn.Resource(gvr).Namespace(cluster.GetNamespace()).Patch(ctx, name, types.MergePatchType, raw,
		metav1.PatchOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
	if err != nil {
		return nil, fmt.Errorf("setting %s on KubeadmControlPlane %s/%s: %w", field, cluster.GetNamespace(), name, err)
	}
	return &Rotation{KCP: kcp, GVR: gvr, Field: field, Generation: kcp.GetGeneration()}, nil
}

// RolledOut reports whether a KubeadmControlPlane has acted on generation:
// observed it, and every replica is up to date and available.
func RolledOut(generation int64) func(*unstructured.Unstructured) (bool, error) {
	return func(u *unstructured.Unstructured) (bool, error) {
		observed, _ := capi.Int64At(u.Object, "status", "observedGeneration")
		want, _ := capi.Int64At(u.Object, "spec", "replicas")
		upToDate, available := replicaCounts(u)
		return observed >= generation && upToDate == want && available == want, nil
	}
}

// RolloutProgress is the one-line state of a rollout.
func RolloutProgress(u *unstructured.Unstructured) string {
	want, _ := capi.Int64At(u.Object, "spec", "replicas")
	upToDate, available := replicaCounts(u)
	return fmt.Sprintf("%d/%d control-plane machines up to date, %d available", upToDate, want, available)
}

// replicaCounts reads up-to-date and available replicas in either version
// (v1beta1: updatedReplicas and readyReplicas).
func replicaCounts(u *unstructured.Unstructured) (upToDate, available int64) {
	if v, ok := capi.Int64At(u.Object, "status", "upToDateReplicas"); ok {
		upToDate = v
	} else {
		upToDate, _ = capi.Int64At(u.Object, "status", "updatedReplicas")
	}
	if v, ok := capi.Int64At(u.Object, "status", "availableReplicas"); ok {
		available = v
	} else {
		available, _ = capi.Int64At(u.Object, "status", "readyReplicas")
	}
	return upToDate, available
}
