package capi

import (
	"context"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// ParseName accepts NAME, and the TYPE/NAME forms that `-o name` prints
// (cluster.cluster.x-k8s.io/NAME, clusters/NAME, cluster/NAME), so that
// `list -o name | xargs -n1 ...` chains work.
func ParseName(arg string) (string, error) {
	kind, name, found := strings.Cut(arg, "/")
	if !found {
		return arg, nil
	}
	switch strings.ToLower(kind) {
	case "cluster", "clusters", "cluster.cluster.x-k8s.io", "clusters.cluster.x-k8s.io":
		if name == "" {
			return "", errs.Invalidf("missing cluster name in %q", arg)
		}
		return name, nil
	}
	return "", errs.Invalidf("%q is not a cluster: give NAME or cluster.cluster.x-k8s.io/NAME", arg)
}

// GetCluster fetches one Cluster and explains a miss.
func GetCluster(ctx context.Context, dyn dynamic.Interface, api API, namespace, name string) (*unstructured.Unstructured, error) {
	u, err := dyn.Resource(api.Clusters()).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, &errs.NotFoundError{Kind: "cluster", Name: name, Namespace: namespace,
			Hint: "list the clusters with 'kubectl tko cluster list -A' and pass the namespace with -n"}
	}
	if err != nil {
		return nil, fmt.Errorf("getting cluster %s/%s: %w", namespace, name, err)
	}
	return u, nil
}
