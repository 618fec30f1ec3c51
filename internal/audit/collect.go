package audit

import (
	"context"
	"fmt"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
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
	// Trees, when set, holds the tree objects of every audited cluster,
	// read at once (capi.ReadPoolObjects: the rules read no machines);
	// else each cluster's are read.
	Trees *capi.TreeObjects
}

// Collect reads everything the rules need about one cluster: the tree from
// the management cluster, and identity and packages from the workload
// cluster itself through its admin kubeconfig Secret. The two sides are
// read at once: at WAN distance each round trip counts.
func Collect(ctx context.Context, m Management, cluster *unstructured.Unstructured) (Input, error) {
	in := Input{Cluster: cluster, View: capi.FromUnstructured(cluster), TKRs: m.TKRs, TKRsServed: m.TKRsServed, Now: time.Now()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		in.Workload, in.WorkloadErr = readWorkload(ctx, m, cluster)
	}()
	var tree *capi.Tree
	var err error
	if m.Trees != nil {
		tree = capi.TreeFromView(cluster, in.View, m.Trees)
	} else {
		tree, err = capi.BuildTree(ctx, m.Dyn, m.API, cluster)
	}
	<-done
	if err != nil {
		return Input{}, err
	}
	in.Tree = tree
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
	// The resources are known: a list that is not found means the group
	// is not served, without a discovery round trip first.
	dyn := wc.Dynamic
	list := func(ctx context.Context, gvr schema.GroupVersionResource) ([]*unstructured.Unstructured, bool, error) {
		l, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		out := make([]*unstructured.Unstructured, len(l.Items))
		for i := range l.Items {
			out[i] = &l.Items[i]
		}
		return out, true, nil
	}
	var (
		jwt, webhook, installs  []*unstructured.Unstructured
		jwtOK, webhookOK, pkgOK bool
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { jwt, jwtOK, err = list(gctx, jwtAuthenticators); return err })
	g.Go(func() (err error) { webhook, webhookOK, err = list(gctx, webhookAuthenticators); return err })
	g.Go(func() (err error) { installs, pkgOK, err = list(gctx, packageInstalls); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return &Workload{PinnipedServed: jwtOK || webhookOK, PackagesServed: pkgOK,
		Authenticators: append(jwt, webhook...), PackageInstalls: installs}, nil
}
