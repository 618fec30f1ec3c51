package capi

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/util/retry"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Mutation changes a Cluster in place; it may refuse with an error.
type Mutation func(cluster *unstructured.Unstructured) error

// UpdateCluster reads a cluster, applies the mutation and writes it back,
// retrying on conflicts with a fresh read; nothing is written when nothing
// changed. With dryRun the API server validates the result without
// storing it. It returns the cluster as written (or read) and the changes
// to its spec and labels.
func UpdateCluster(ctx context.Context, dyn dynamic.Interface, api API, namespace, name string, dryRun bool, mutate Mutation) (*unstructured.Unstructured, []Change, error) {
	var (
		result  *unstructured.Unstructured
		changes []Change
	)
	client := dyn.Resource(api.Clusters()).Namespace(namespace)
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		current, err := GetCluster(ctx, dyn, api, namespace, name)
		if err != nil {
			return err
		}
		updated := current.DeepCopy()
		if err := mutate(updated); err != nil {
			return err
		}
		changes = Diff("", current.Object["spec"], updated.Object["spec"])
		for i := range changes {
			changes[i].Path = "spec." + changes[i].Path
		}
		before, _, _ := unstructured.NestedMap(current.Object, "metadata", "labels")
		after, _, _ := unstructured.NestedMap(updated.Object, "metadata", "labels")
		for _, ch := range Diff("", before, after) {
			ch.Path = "metadata.labels." + ch.Path
			changes = append(changes, ch)
		}
		if len(changes) == 0 {
			result = current
			return nil
		}
		opts := metav1.UpdateOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}
		result, err = client.Update(ctx, updated, opts)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return result, changes, nil
}

// ApplyCluster server-side applies a cluster and says whether it was
// created, configured or unchanged, so running a create again converges.
func ApplyCluster(ctx context.Context, dyn dynamic.Interface, api API, cluster *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, string, error) {
	client := dyn.Resource(api.Clusters()).Namespace(cluster.GetNamespace())
	existing, err := client.Get(ctx, cluster.GetName(), metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, "", fmt.Errorf("checking for cluster %s: %w", cluster.GetName(), err)
	}
	body, err := cluster.MarshalJSON()
	if err != nil {
		return nil, "", err
	}
	opts := metav1.PatchOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)}
	applied, err := client.Patch(ctx, cluster.GetName(), types.ApplyPatchType, body, opts)
	if apierrors.IsConflict(err) && apierrors.HasStatusCause(err, metav1.CauseTypeFieldManagerConflict) {
		return nil, "", &errs.ManagedError{Kind: "cluster", Name: cluster.GetName(), Namespace: cluster.GetNamespace(), Err: err,
			Hint: "pick another name, or change it with kubectl tko cluster scale, upgrade or node-pool set"}
	}
	if err != nil {
		return nil, "", fmt.Errorf("creating cluster %s/%s: %w", cluster.GetNamespace(), cluster.GetName(), err)
	}
	switch {
	case existing == nil:
		return applied, "created", nil
	case existing.GetResourceVersion() == applied.GetResourceVersion():
		return applied, "unchanged", nil
	}
	return applied, "configured", nil
}
