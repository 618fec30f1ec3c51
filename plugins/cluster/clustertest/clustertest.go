// Package clustertest gives the unit tests of the cluster verbs a
// management cluster made of client-go's fake dynamic client: no binaries,
// no API server.
package clustertest

import (
	"errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// API is a management cluster serving Cluster API v1beta2 and TKRs.
var API = capi.API{Version: "v1beta2", Versions: kube.Served{capi.Group: {"v1beta2"}, capi.TKRGroup: {"v1alpha3"}}}

// Fake returns a fake dynamic client holding objs, and the Connector that
// hands it to a command (namespace "default").
func Fake(objs ...runtime.Object) (*dynamicfake.FakeDynamicClient, common.Connector) {
	tkrs, _ := API.GroupResource(capi.TKRGroup, "tanzukubernetesreleases")
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		API.Clusters():                     "ClusterList",
		API.Resource("clusterclasses"):     "ClusterClassList",
		tkrs:                               "TanzuKubernetesReleaseList",
		API.Resource("machinedeployments"): "MachineDeploymentList",
		// Cluster groups (create names those a new cluster joins).
		{Version: "v1", Resource: "configmaps"}:                            "ConfigMapList",
		{Group: "kappctrl.k14s.io", Version: "v1alpha1", Resource: "apps"}: "AppList",
	}, objs...)
	dyn.PrependReactor("patch", "clusters", applyReactor(dyn))
	return dyn, func() (*common.Client, error) {
		return &common.Client{API: API, Dyn: dyn, Namespace: "default"}, nil
	}
}

// applyReactor stands in for server-side apply, which the plain object
// tracker does only on existing objects: the applied Cluster is created, or
// replaces the stored one.
func applyReactor(dyn *dynamicfake.FakeDynamicClient) clienttesting.ReactionFunc {
	return func(action clienttesting.Action) (bool, runtime.Object, error) {
		patch := action.(clienttesting.PatchAction)
		if patch.GetPatchType() != types.ApplyPatchType {
			return false, nil, nil
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(patch.GetPatch()); err != nil {
			return true, nil, err
		}
		gvr, ns := patch.GetResource(), patch.GetNamespace()
		if _, err := dyn.Tracker().Get(gvr, ns, u.GetName()); err != nil {
			err = dyn.Tracker().Create(gvr, u, ns)
			obj, getErr := dyn.Tracker().Get(gvr, ns, u.GetName())
			return true, obj, errors.Join(err, getErr)
		}
		err := dyn.Tracker().Update(gvr, u, ns)
		obj, getErr := dyn.Tracker().Get(gvr, ns, u.GetName())
		return true, obj, errors.Join(err, getErr)
	}
}

// Cluster is a class-based v1beta2 Cluster in "default" with a control
// plane of cp machines and one pool md-0 of workers machines, Provisioning.
func Cluster(name string, cp, workers int64) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": capi.Group + "/v1beta2",
		"kind":       "Cluster",
		"metadata":   map[string]any{"name": name, "namespace": "default", "generation": int64(1), "resourceVersion": "1"},
		"spec": map[string]any{"topology": map[string]any{
			"classRef":     map[string]any{"name": "tkg-vsphere-default-v1.2.0"},
			"version":      "v1.30.2+vmware.1",
			"controlPlane": map[string]any{"replicas": cp},
			"workers": map[string]any{"machineDeployments": []any{
				map[string]any{"class": "tkg-worker", "name": "md-0", "replicas": workers},
			}},
		}},
		"status": map[string]any{"phase": "Provisioning"},
	}}
}

// Available returns the cluster as the Cluster API controllers leave it
// once every machine is up: Available at its current generation.
func Available(u *unstructured.Unstructured, cp, workers int64) *unstructured.Unstructured {
	out := u.DeepCopy()
	replicas := func(n int64) map[string]any {
		return map[string]any{"desiredReplicas": n, "replicas": n, "readyReplicas": n, "availableReplicas": n, "upToDateReplicas": n}
	}
	out.Object["status"] = map[string]any{
		"phase": "Provisioned", "observedGeneration": u.GetGeneration(),
		"controlPlane": replicas(cp), "workers": replicas(workers),
		"conditions": []any{map[string]any{
			"type": "Available", "status": "True", "reason": "Available", "message": "",
			"lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": u.GetGeneration(),
		}},
	}
	return out
}

// WatchUntilAvailable makes the fake serve watches of clusters as an API
// server streams them, with the Cluster API controllers at work: the
// cluster as stored, the bookmark that ends the initial events, then the
// cluster Available with cp control-plane and workers worker machines.
func WatchUntilAvailable(fake *dynamicfake.FakeDynamicClient, name string, cp, workers int64) {
	fake.PrependWatchReactor("clusters", func(action clienttesting.Action) (bool, watch.Interface, error) {
		obj, err := fake.Tracker().Get(API.Clusters(), action.GetNamespace(), name)
		if err != nil {
			return true, nil, err
		}
		current := obj.(*unstructured.Unstructured)
		w := watch.NewRaceFreeFake()
		w.Add(current.DeepCopy())
		bookmark := &unstructured.Unstructured{}
		bookmark.SetGroupVersionKind(current.GroupVersionKind())
		bookmark.SetResourceVersion(current.GetResourceVersion())
		bookmark.SetAnnotations(map[string]string{metav1.InitialEventsAnnotationKey: "true"})
		w.Action(watch.Bookmark, bookmark)
		w.Modify(Available(current, cp, workers))
		return true, w, nil
	})
}

// ManagementCluster is the seeded ClusterClass of "default" and the seeded
// TanzuKubernetesReleases.
func ManagementCluster() []runtime.Object {
	var objs []runtime.Object
	for _, u := range seed.Objects(nil, false) {
		if u.GetKind() == "TanzuKubernetesRelease" || (u.GetKind() == "ClusterClass" && u.GetNamespace() == "default") {
			objs = append(objs, u)
		}
	}
	return objs
}
