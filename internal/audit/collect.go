package audit

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Management is a connection to the management cluster.
type Management struct {
	Dyn  dynamic.Interface
	API  capi.API
	TKRs []capi.TKR
	// TKRsServed is false when run.tanzu.vmware.com is not served.
	TKRsServed bool
	// Tune adjusts the REST config of each workload cluster (timeouts).
	Tune func(*rest.Config)
}

// Collect reads everything the rules need about one cluster: the tree from
// the management cluster, and identity and packages from the workload
// cluster itself through its admin kubeconfig Secret.
func Collect(ctx context.Context, m Management, cluster *unstructured.Unstructured) (Input, error) {
	tree, err := capi.BuildTree(ctx, m.Dyn, m.API, cluster)
	if err != nil {
		return Input{}, err
	}
	in := Input{Cluster: cluster, View: capi.FromUnstructured(cluster), Tree: tree, TKRs: m.TKRs, TKRsServed: m.TKRsServed, Now: time.Now()}
	in.Workload, in.WorkloadErr = readWorkload(ctx, m, cluster)
	return in, nil
}

var (
	jwtAuthenticators     = schema.GroupVersionResource{Group: "authentication.concierge.pinniped.dev", Version: "v1alpha1", Resource: "jwtauthenticators"}
	webhookAuthenticators = schema.GroupVersionResource{Group: "authentication.concierge.pinniped.dev", Version: "v1alpha1", Resource: "webhookauthenticators"}
	packageInstalls       = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packageinstalls"}
)

func readWorkload(ctx context.Context, m Management, cluster *unstructured.Unstructured) (*Workload, error) {
	// The same connection as every fleet run on workload clusters.
	wc, err := fleet.Connect(ctx, m.Dyn, cluster.GetNamespace(), cluster.GetName(), m.Tune)
	if err != nil {
		return nil, err
	}
	disc, err := kube.NewDiscovery(wc.Config)
	if err != nil {
		return nil, err
	}
	groups, err := disc.ServerGroups()
	if err != nil {
		return nil, fmt.Errorf("discovering its APIs: %w", err)
	}
	served := map[string]bool{}
	for _, g := range groups.Groups {
		served[g.Name] = true
	}
	dyn := wc.Dynamic
	w := &Workload{PinnipedServed: served[jwtAuthenticators.Group], PackagesServed: served[packageInstalls.Group]}
	list := func(gvr schema.GroupVersionResource) ([]*unstructured.Unstructured, error) {
		l, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		out := make([]*unstructured.Unstructured, len(l.Items))
		for i := range l.Items {
			out[i] = &l.Items[i]
		}
		return out, nil
	}
	if w.PinnipedServed {
		for _, gvr := range []schema.GroupVersionResource{jwtAuthenticators, webhookAuthenticators} {
			items, err := list(gvr)
			if err != nil {
				return nil, err
			}
			w.Authenticators = append(w.Authenticators, items...)
		}
	}
	if w.PackagesServed {
		if w.PackageInstalls, err = list(packageInstalls); err != nil {
			return nil, err
		}
	}
	return w, nil
}
