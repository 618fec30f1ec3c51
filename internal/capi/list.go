package capi

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// listPageSize keeps memory flat on management clusters with thousands of
// Clusters.
const listPageSize = 500

// ListMode says what a listing keeps of each cluster besides its view.
type ListMode int

const (
	// ListViews decodes only the fields of the view: most of what a table
	// of thousands of Clusters costs the client.
	ListViews ListMode = iota
	// ListObjects keeps each object, decoded.
	ListObjects
	// ListRaw keeps each object as the server sent it, not held as a map.
	ListRaw
)

// ListOptions say which clusters a listing reads and what it keeps.
type ListOptions struct {
	Namespace         string // "" for every namespace
	Selector          string
	IncludeManagement bool // also the management cluster's own Cluster
	Mode              ListMode
	// TKCVersion, when set, resolves the version of run.tanzu.vmware.com
	// that serves TanzuKubernetesClusters (false: none is); it is asked
	// while the Clusters page in.
	TKCVersion func() (string, bool)
	// TKCVersions are versions to list TanzuKubernetesClusters in, in
	// order, without asking discovery: a 404 moves to the next, and
	// TKCVersion is asked only when none is served.
	TKCVersions []string
	// ClusterVersions, when set, are the versions of Cluster to list in, in
	// order, without asking discovery: a 404 moves to the next (the API's
	// Version is not read). When none is served, the last 404 is returned.
	ClusterVersions []string
}

// Versions are the versions of cluster.x-k8s.io kubectl tko reads, the
// newest first.
var Versions = []string{"v1beta2", "v1beta1"}

// Listed is one cluster of a listing: its view, and the object as the
// mode keeps it.
type Listed struct {
	Cluster Cluster
	Object  *unstructured.Unstructured // ListObjects
	Raw     json.RawMessage            // ListRaw
}

// ListClusters pages through the Clusters of a management cluster and
// hands each to visit as its page arrives, then the TanzuKubernetesClusters
// of vSphere with Tanzu that no Cluster stands for (listed meanwhile).
// TanzuKubernetesClusters the user may not read are left out: they are an
// addition to the Clusters.
func ListClusters(ctx context.Context, r *kube.REST, dyn dynamic.Interface, api API, opts ListOptions, visit func(Listed)) error {
	tkcs := make(chan tkcResult, 1)
	go func() {
		if opts.Mode == ListViews {
			views, err := listTKCViews(ctx, r, opts)
			tkcs <- tkcResult{views: views, err: err}
			return
		}
		list, err := listTKCs(ctx, dyn, opts)
		tkcs <- tkcResult{list: list, err: err}
	}()
	seen := map[string]bool{} // Clusters, so TKCs behind them are not listed twice
	add := func(l Listed) {
		seen[l.Cluster.Namespace+"/"+l.Cluster.Name] = true
		if l.Cluster.Role != "management" || opts.IncludeManagement {
			visit(l)
		}
	}
	versions := opts.ClusterVersions
	if len(versions) == 0 {
		versions = []string{api.Version}
	}
	var err error
	for _, v := range versions {
		api.Version = v
		if err = listClusterPages(ctx, r, api, opts, add); !apierrors.IsNotFound(err) {
			break
		}
	}
	if err != nil {
		return err
	}
	t := <-tkcs
	if t.err != nil {
		return t.err
	}
	for _, v := range t.views {
		if !seen[v.Namespace+"/"+v.Name] {
			add(Listed{Cluster: v})
		}
	}
	if t.list == nil {
		return nil
	}
	for i := range t.list.Items {
		item := &t.list.Items[i]
		if seen[item.GetNamespace()+"/"+item.GetName()] {
			continue
		}
		l := Listed{Cluster: FromTKC(item)}
		switch opts.Mode {
		case ListRaw:
			if l.Raw, err = item.MarshalJSON(); err != nil {
				return err
			}
		case ListObjects:
			l.Object = item
		}
		add(l)
	}
	return nil
}

type tkcResult struct {
	views []Cluster // ListViews
	list  *unstructured.UnstructuredList
	err   error
}

// listTKCViews lists the views of the TanzuKubernetesClusters, each page
// decoded straight into TKCFields; where none is served, or the user may
// not read them, it returns none.
func listTKCViews(ctx context.Context, r *kube.REST, opts ListOptions) ([]Cluster, error) {
	var views []Cluster
	err := withTKCVersion(opts, func(version string) error {
		gvr := schema.GroupVersionResource{Group: TKRGroup, Version: version, Resource: "tanzukubernetesclusters"}
		return kube.PagesOnePass(ctx, r, gvr, opts.Namespace, metav1.ListOptions{LabelSelector: opts.Selector, Limit: listPageSize}, func(items []TKCFields) error {
			for i := range items {
				views = append(views, items[i].View())
			}
			return nil
		})
	})
	if apierrors.IsForbidden(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing TanzuKubernetesClusters: %w", err)
	}
	return views, nil
}

// listTKCs lists the TanzuKubernetesClusters; where none is served, or
// the user may not read them, it returns none.
func listTKCs(ctx context.Context, dyn dynamic.Interface, opts ListOptions) (*unstructured.UnstructuredList, error) {
	var l *unstructured.UnstructuredList
	err := withTKCVersion(opts, func(version string) error {
		gvr := schema.GroupVersionResource{Group: TKRGroup, Version: version, Resource: "tanzukubernetesclusters"}
		var err error
		l, err = dyn.Resource(gvr).Namespace(opts.Namespace).List(ctx, metav1.ListOptions{LabelSelector: opts.Selector})
		return err
	})
	if apierrors.IsForbidden(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing TanzuKubernetesClusters: %w", err)
	}
	return l, nil
}

// withTKCVersion calls list with each of opts.TKCVersions until one is
// served (no 404) and, when none is, with the one opts.TKCVersion finds;
// with neither, or where none is served, list is not called.
func withTKCVersion(opts ListOptions, list func(version string) error) error {
	for _, v := range opts.TKCVersions {
		if err := list(v); !apierrors.IsNotFound(err) {
			return err
		}
	}
	if opts.TKCVersion == nil {
		return nil
	}
	version, ok := opts.TKCVersion()
	if !ok || slices.Contains(opts.TKCVersions, version) {
		return nil
	}
	return list(version)
}

// listClusterPages pages through the Clusters of api's version, handing
// each to add as its page arrives.
func listClusterPages(ctx context.Context, r *kube.REST, api API, opts ListOptions, add func(Listed)) error {
	lo := metav1.ListOptions{LabelSelector: opts.Selector, Limit: listPageSize}
	var err error
	switch opts.Mode {
	case ListRaw:
		err = kube.Pages(ctx, r, api.Clusters(), opts.Namespace, lo, func(items []json.RawMessage) error {
			for _, raw := range items {
				var fields ClusterFields
				if err := json.Unmarshal(raw, &fields); err != nil {
					return fmt.Errorf("reading a Cluster: %w", err)
				}
				add(Listed{Cluster: fields.View(), Raw: raw})
			}
			return nil
		})
	case ListObjects:
		err = kube.ListPages(ctx, r, api.Clusters(), opts.Namespace, lo, func(items []unstructured.Unstructured) error {
			for i := range items {
				add(Listed{Cluster: FromUnstructured(&items[i]), Object: &items[i]})
			}
			return nil
		})
	default:
		err = kube.PagesOnePass(ctx, r, api.Clusters(), opts.Namespace, lo, func(items []ClusterFields) error {
			for i := range items {
				add(Listed{Cluster: items[i].View()})
			}
			return nil
		})
	}
	return err
}
