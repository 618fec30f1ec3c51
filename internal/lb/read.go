package lb

import (
	"context"
	"fmt"
	"sort"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// readsAtOnce bounds the requests Read has in flight on one cluster.
const readsAtOnce = 4

// Read collects Services of type LoadBalancer (in namespace, "" for all),
// AKO's state and kube-vip's pools. What RBAC hides is noted, not fatal,
// except the Services themselves.
//
// The reads that do not depend on each other go at once: a workload
// cluster far away costs one round trip for them, not one each, and a
// second only where AKO runs or a Service is pending (their Events).
func Read(ctx context.Context, dyn dynamic.Interface, namespace string) (*Cluster, error) {
	var (
		svcs          *unstructured.UnstructuredList
		sts, cm       *unstructured.Unstructured
		stsErr, cmErr error
		pkg           AKO
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readsAtOnce)
	g.Go(func() error {
		list, err := dyn.Resource(services).Namespace(namespace).List(gctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing Services: %w", err)
		}
		svcs = list
		return nil
	})
	g.Go(func() error {
		sts, stsErr = dyn.Resource(statefulSets).Namespace(AKONamespace).Get(gctx, AKOStatefulSet, metav1.GetOptions{})
		return nil
	})
	g.Go(func() error {
		pkg.readAKOPackage(gctx, dyn)
		return nil
	})
	g.Go(func() error {
		cm, cmErr = dyn.Resource(configMaps).Namespace(KubeVIPNamespace).Get(gctx, KubeVIPConfigMap, metav1.GetOptions{})
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}

	// Outcomes are taken in the order the reads used to run, so errors and
	// notes read as before.
	c := &Cluster{AKO: &AKO{}}
	for i := range svcs.Items {
		if s, ok := ServiceFrom(&svcs.Items[i]); ok {
			c.Services = append(c.Services, s)
		}
	}
	sort.Slice(c.Services, func(i, j int) bool {
		a, b := c.Services[i], c.Services[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	})
	switch {
	case stsErr == nil:
		c.AKO.Installed = true
		c.AKO.Replicas, _, _ = unstructured.NestedInt64(sts.Object, "spec", "replicas")
		c.AKO.ReadyReplicas, _, _ = unstructured.NestedInt64(sts.Object, "status", "readyReplicas")
	case apierrors.IsForbidden(stsErr):
		c.Unchecked = append(c.Unchecked, "AKO's StatefulSet avi-system/ako (forbidden)")
	case !apierrors.IsNotFound(stsErr):
		return nil, fmt.Errorf("reading AKO's StatefulSet: %w", stsErr)
	}
	var kubeVIPNote []string
	switch {
	case cmErr == nil:
		c.KubeVIP, _, _ = unstructured.NestedStringMap(cm.Object, "data")
		if c.KubeVIP == nil {
			c.KubeVIP = map[string]string{}
		}
	case apierrors.IsForbidden(cmErr):
		kubeVIPNote = append(kubeVIPNote, "kube-vip's ConfigMap kube-system/kubevip (forbidden)")
	case !apierrors.IsNotFound(cmErr):
		return nil, fmt.Errorf("reading kube-vip's ConfigMap: %w", cmErr)
	}
	c.AKO.Package, c.AKO.PackageState = pkg.Package, pkg.PackageState

	// AKO's pod Events where AKO runs, and the pending Services' Events
	// (known once the Services are listed), at once.
	var (
		akoEvs   *unstructured.UnstructuredList
		akoNotes = &Cluster{} // what RBAC hid of AKO's Events
		svcNotes = &Cluster{Services: c.Services}
	)
	g, gctx = errgroup.WithContext(ctx)
	if c.AKO.Installed {
		g.Go(func() (err error) {
			akoEvs, err = akoNotes.listEvents(gctx, dyn, AKONamespace, "involvedObject.name="+AKOPod, "AKO's Events in avi-system")
			return err
		})
	}
	g.Go(func() error { return svcNotes.readServiceEvents(gctx, dyn, namespace) })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if akoEvs != nil {
		c.akoWarnings(akoEvs)
	}
	c.Unchecked = append(append(append(c.Unchecked, akoNotes.Unchecked...), kubeVIPNote...), svcNotes.Unchecked...)
	for i := range c.Services {
		c.Services[i].Implementation = c.implementation(c.Services[i])
	}
	return c, nil
}
