package groups

import (
	"context"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Joining names the groups whose selector matches a cluster's labels: the
// groups a cluster being created joins. Without groups (or rights to read
// them) it is none.
func Joining(ctx context.Context, dyn dynamic.Interface, clusterLabels map[string]string) []string {
	gs, err := List(ctx, dyn)
	if err != nil {
		return nil
	}
	var out []string
	for _, g := range gs {
		if sel, err := labels.Parse(g.Selector); err == nil && len(g.Intents) > 0 && sel.Matches(labels.Set(clusterLabels)) {
			out = append(out, g.Name)
		}
	}
	return out
}

// DropCluster deletes the group Apps of a cluster being deleted, told not
// to delete in it first (what they deployed goes with the cluster, and the
// cluster may stop answering before kapp is done). It returns the Apps
// deleted; where kapp-controller's Apps are not served it does nothing.
func DropCluster(ctx context.Context, dyn dynamic.Interface, namespace, name string) ([]string, error) {
	client := dyn.Resource(carvel.Apps).Namespace(namespace)
	list, err := client.List(ctx, metav1.ListOptions{LabelSelector: LabelGroup + "," + kube.LabelCluster + "=" + name})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing the cluster group Apps of cluster %s/%s: %w", namespace, name, err)
	}
	patch, _ := json.Marshal(map[string]any{"spec": map[string]any{"noopDelete": true}})
	var out []string
	for _, u := range list.Items {
		if _, err := client.Patch(ctx, u.GetName(), types.MergePatchType, patch, metav1.PatchOptions{FieldManager: kube.FieldManager}); err != nil && !apierrors.IsNotFound(err) {
			return out, fmt.Errorf("app %s/%s: %w", namespace, u.GetName(), err)
		}
		if err := client.Delete(ctx, u.GetName(), metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return out, fmt.Errorf("deleting app %s/%s: %w", namespace, u.GetName(), err)
		}
		err := dyn.Resource(Secrets).Namespace(namespace).Delete(ctx, MemberValuesName(u.GetName()), metav1.DeleteOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return out, fmt.Errorf("deleting the values Secret of app %s/%s: %w", namespace, u.GetName(), err)
		}
		out = append(out, u.GetName())
	}
	return out, nil
}
