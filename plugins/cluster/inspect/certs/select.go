package certs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// picker resolves which clusters of a management cluster to inspect: the
// named ones (a name not in the namespace is looked up in all of them
// unless -n was given), or every cluster of the namespace, or of all with
// -A, optionally by label selector. The management cluster itself only
// when named or asked for.
type picker struct {
	names         []string
	all           bool
	selector      string
	management    bool
	namespaceFlag bool
}

func (p picker) clusters(ctx context.Context, dyn dynamic.Interface, api capi.API, namespace string) ([]*unstructured.Unstructured, error) {
	if len(p.names) > 0 && !p.all {
		var out []*unstructured.Unstructured
		for _, name := range p.names {
			u, err := capi.GetCluster(ctx, dyn, api, namespace, name)
			var notFound *errs.NotFoundError
			if errors.As(err, &notFound) && !p.namespaceFlag {
				u, err = common.FindAnywhere(ctx, dyn, api, name)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, nil
	}
	if p.all || p.selector != "" {
		namespace = metav1.NamespaceAll
	}
	list, err := dyn.Resource(api.Clusters()).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: p.selector})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	wanted := map[string]bool{}
	for _, n := range p.names {
		wanted[n] = true
	}
	var out []*unstructured.Unstructured
	for i := range list.Items {
		u := &list.Items[i]
		switch {
		case len(wanted) > 0 && !wanted[u.GetName()]:
			continue
		case capi.FromUnstructured(u).Role == "management" && !p.management && len(wanted) == 0:
			continue
		}
		delete(wanted, u.GetName())
		out = append(out, u)
	}
	if len(wanted) > 0 {
		var missing []string
		for n := range wanted {
			missing = append(missing, n)
		}
		sort.Strings(missing)
		return nil, &errs.NotFoundError{Kind: "cluster", Name: strings.Join(missing, ","), Hint: "no namespace has it; list them with 'kubectl tko cluster list -A'"}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].GetNamespace()+"/"+out[i].GetName() < out[j].GetNamespace()+"/"+out[j].GetName()
	})
	return out, nil
}
