package groups

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Member is a workload cluster a group's selector matches.
type Member struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Kind      string `json:"kind"` // Cluster or TanzuKubernetesCluster
	Health    string `json:"health"`
	Version   string `json:"version,omitempty"`
	// Kubeconfig is false when the cluster has no kubeconfig Secret yet:
	// nothing can reach it, so it gets no App.
	Kubeconfig bool `json:"kubeconfig"`
}

// Key is namespace/name.
func (m Member) Key() string { return m.Namespace + "/" + m.Name }

// SecretName is the member's kubeconfig Secret, the one Cluster API (and
// vSphere with Tanzu) writes beside the cluster.
func (m Member) SecretName() string { return m.Name + "-kubeconfig" }

// Estate is the workload clusters of a management cluster, read once and
// matched against every group's selector.
type Estate struct {
	Clusters []Member
	labels   map[string]map[string]string
}

// ReadEstate lists the workload clusters (Clusters, and the
// TanzuKubernetesClusters no Cluster stands for), with whether each has its
// kubeconfig Secret. Management and deleting clusters are never members.
func ReadEstate(ctx context.Context, c *kube.Clients) (*Estate, error) {
	api, err := capi.FromServed(c.Served)
	if err != nil {
		return nil, err
	}
	e := &Estate{labels: map[string]map[string]string{}}
	list, err := c.Dynamic.Resource(api.Clusters()).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing workload clusters: %w", err)
	}
	for i := range list.Items {
		u := &list.Items[i]
		cl := capi.FromUnstructured(u)
		e.labels[cl.Namespace+"/"+cl.Name] = u.GetLabels()
		if cl.Role == "management" || cl.Deleting {
			continue
		}
		e.Clusters = append(e.Clusters, Member{Namespace: cl.Namespace, Name: cl.Name, Kind: "Cluster", Health: cl.Status, Version: cl.Version})
	}
	if v := c.Served.Preferred(capi.TKRGroup); v != "" {
		gvr := schema.GroupVersionResource{Group: capi.TKRGroup, Version: v, Resource: "tanzukubernetesclusters"}
		tkcs, err := c.Dynamic.Resource(gvr).List(ctx, metav1.ListOptions{})
		switch {
		case apierrors.IsNotFound(err) || apierrors.IsForbidden(err):
			// TKCs are an addition to the Clusters: none served or readable here.
		case err != nil:
			return nil, fmt.Errorf("listing TanzuKubernetesClusters: %w", err)
		default:
			for i := range tkcs.Items {
				u := &tkcs.Items[i]
				key := u.GetNamespace() + "/" + u.GetName()
				if _, seen := e.labels[key]; seen {
					continue
				}
				cl := capi.FromTKC(u)
				e.labels[key] = u.GetLabels()
				if cl.Deleting {
					continue
				}
				e.Clusters = append(e.Clusters, Member{Namespace: cl.Namespace, Name: cl.Name, Kind: capi.TKC, Health: cl.Status, Version: cl.Version})
			}
		}
	}
	for i := range e.Clusters {
		ok, err := secretExists(ctx, c.Dynamic, e.Clusters[i].Namespace, e.Clusters[i].SecretName())
		if err != nil {
			return nil, err
		}
		e.Clusters[i].Kubeconfig = ok
	}
	slices.SortFunc(e.Clusters, func(a, b Member) int { return strings.Compare(a.Key(), b.Key()) })
	return e, nil
}

// secretExists asks whether a Secret exists, as the fleet flags do; its
// content is neither kept nor printed.
func secretExists(ctx context.Context, dyn dynamic.Interface, namespace, name string) (bool, error) {
	_, err := dyn.Resource(Secrets).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	switch {
	case err == nil:
		return true, nil
	case apierrors.IsNotFound(err):
		return false, nil
	}
	return false, fmt.Errorf("reading the kubeconfig Secret %s/%s: %w", namespace, name, err)
}

// Members lists the clusters a group's selector matches.
func (e *Estate) Members(g *Group) ([]Member, error) {
	sel, err := ParseSelector(g.Selector)
	if err != nil {
		return nil, err
	}
	var out []Member
	for _, m := range e.Clusters {
		if sel.Matches(labels.Set(e.labels[m.Key()])) {
			out = append(out, m)
		}
	}
	return out, nil
}

// Governing maps each workload cluster (namespace/name) that a group
// holding intents of a kind selects to those groups, by name.
func Governing(ctx context.Context, c *kube.Clients, kind string) (map[string][]string, error) {
	gs, err := List(ctx, c.Dynamic)
	if err != nil || len(gs) == 0 {
		return nil, err
	}
	e, err := ReadEstate(ctx, c)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, g := range gs {
		if !slices.ContainsFunc(g.Intents, func(in Intent) bool { return in.Kind == kind }) {
			continue
		}
		members, err := e.Members(g)
		if err != nil {
			continue // a group whose selector no longer parses governs nothing
		}
		for _, m := range members {
			out[m.Key()] = append(out[m.Key()], g.Name)
		}
	}
	return out, nil
}
