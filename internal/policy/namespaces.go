package policy

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
)

// UnlabelNamespaces removes a security policy's Pod Security labels (and
// our marks) from every namespace it governs on a cluster, found by our
// label, leaving the namespaces and their other labels as they are. It
// returns the namespaces it unlabelled.
func UnlabelNamespaces(ctx context.Context, dyn dynamic.Interface, name string, dryRun bool) ([]string, error) {
	list, err := dyn.Resource(Namespaces).List(ctx, metav1.ListOptions{LabelSelector: LabelPolicy + "=" + name})
	if err != nil {
		return nil, fmt.Errorf("listing the namespaces of policy %s: %w", name, err)
	}
	var out []string
	for _, ns := range list.Items {
		if err := unlabelNamespace(ctx, dyn, ns.GetName(), nil, dryRun); err != nil {
			return out, fmt.Errorf("removing the Pod Security labels of namespace %s: %w", ns.GetName(), err)
		}
		out = append(out, ns.GetName())
	}
	return out, nil
}
