package common

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// FindAnywhere finds a Cluster by name in whichever namespace holds it:
// not found when none does, a usage error naming them when several do.
func FindAnywhere(ctx context.Context, dyn dynamic.Interface, api capi.API, name string) (*unstructured.Unstructured, error) {
	list, err := dyn.Resource(api.Clusters()).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + name})
	if err != nil {
		return nil, fmt.Errorf("looking for cluster %s: %w", name, err)
	}
	switch len(list.Items) {
	case 0:
		return nil, &errs.NotFoundError{Kind: "cluster", Name: name, Hint: "no namespace has it; list them with 'kubectl tko cluster list -A'"}
	case 1:
		return &list.Items[0], nil
	}
	var namespaces []string
	for _, item := range list.Items {
		namespaces = append(namespaces, item.GetNamespace())
	}
	return nil, cmdutil.Usagef("cluster %s exists in several namespaces (%s): pass -n", name, strings.Join(namespaces, ", "))
}
