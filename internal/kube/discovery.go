package kube

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/rest"
)

// Discovery asks an API server what it serves: the groups, the resources
// of a group version, /version and health endpoints. It is a small REST
// client of its own rather than client-go's discovery package, which
// registers every built-in API type and would add ~15 MB to each plugin;
// commands that know the resource they read skip discovery altogether.
type Discovery struct {
	client rest.Interface

	mu        sync.Mutex
	resources map[string]*resourcesEntry // by group version
	preferred []*metav1.APIResourceList
}

// NewDiscovery returns a discovery client for cfg.
func NewDiscovery(cfg *rest.Config) (*Discovery, error) {
	r, err := NewREST(cfg)
	if err != nil {
		return nil, err
	}
	return &Discovery{client: r.client, resources: map[string]*resourcesEntry{}}, nil
}

// Get reads a path of the API server (/readyz, /livez, /version).
func (d *Discovery) Get(ctx context.Context, path string, params map[string]string) ([]byte, error) {
	req := d.client.Get().AbsPath(path)
	for k, v := range params {
		req = req.Param(k, v)
	}
	return req.DoRaw(ctx)
}

func (d *Discovery) getJSON(path, accept string, into any) (contentType string, err error) {
	req := d.client.Get().AbsPath(path)
	if accept != "" {
		req = req.SetHeader("Accept", accept)
	}
	result := req.Do(context.Background())
	if err := result.Error(); err != nil {
		return "", err
	}
	body, _ := result.Raw()
	result.ContentType(&contentType)
	if err := DecodeOnePass(body, into); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return contentType, nil
}

// ServerVersion reads /version.
func (d *Discovery) ServerVersion() (*version.Info, error) {
	var info version.Info
	if _, err := d.getJSON("/version", "", &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// ServerGroups lists the served API groups, the core group first. The core
// group is always served in v1, so it costs no request.
func (d *Discovery) ServerGroups() (*metav1.APIGroupList, error) {
	var list metav1.APIGroupList
	if _, err := d.getJSON("/apis", "application/json", &list); err != nil {
		return nil, err
	}
	core := metav1.APIGroup{Versions: []metav1.GroupVersionForDiscovery{{GroupVersion: "v1", Version: "v1"}}}
	core.PreferredVersion = core.Versions[0]
	list.Groups = append([]metav1.APIGroup{core}, list.Groups...)
	return &list, nil
}

// ServerResourcesForGroupVersion lists the resources of one group version,
// asking the server once however many goroutines ask at the same time.
func (d *Discovery) ServerResourcesForGroupVersion(groupVersion string) (*metav1.APIResourceList, error) {
	d.mu.Lock()
	e, ok := d.resources[groupVersion]
	if !ok {
		e = &resourcesEntry{}
		d.resources[groupVersion] = e
	}
	d.mu.Unlock()
	e.once.Do(func() {
		path := "/apis/" + groupVersion
		if groupVersion == "v1" {
			path = "/api/v1"
		}
		var list metav1.APIResourceList
		if _, e.err = d.getJSON(path, "application/json", &list); e.err == nil {
			e.list = &list
		}
	})
	return e.list, e.err
}

type resourcesEntry struct {
	once sync.Once
	list *metav1.APIResourceList
	err  error
}

// aggregated is the part of the aggregated discovery document
// (apidiscovery.k8s.io/v2 APIGroupDiscoveryList) read here.
type aggregated struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Versions []struct {
			Version   string `json:"version"`
			Resources []struct {
				Resource     string   `json:"resource"`
				Singular     string   `json:"singularResource"`
				Scope        string   `json:"scope"`
				Verbs        []string `json:"verbs"`
				ShortNames   []string `json:"shortNames"`
				Subresources []struct {
					Subresource string   `json:"subresource"`
					Verbs       []string `json:"verbs"`
				} `json:"subresources"`
				ResponseKind *struct {
					Kind string `json:"kind"`
				} `json:"responseKind"`
			} `json:"resources"`
		} `json:"versions"`
	} `json:"items"`
}

const aggregatedAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

// ServerPreferredResources lists every resource in its group's preferred
// version, subresources as "resource/sub": two requests to a server with
// aggregated discovery (Kubernetes 1.26 and later), one per group
// otherwise.
func (d *Discovery) ServerPreferredResources() ([]*metav1.APIResourceList, error) {
	d.mu.Lock()
	if d.preferred != nil {
		defer d.mu.Unlock()
		return d.preferred, nil
	}
	d.mu.Unlock()
	var out []*metav1.APIResourceList
	for _, path := range []string{"/api", "/apis"} {
		var doc aggregated
		contentType, err := d.getJSON(path, aggregatedAccept, &doc)
		if err != nil {
			return nil, err
		}
		if !strings.Contains(contentType, "apidiscovery.k8s.io") {
			return d.preferredByGroup()
		}
		for _, g := range doc.Items {
			if len(g.Versions) == 0 {
				continue
			}
			v := g.Versions[0] // the preferred version comes first
			gv := schema.GroupVersion{Group: g.Metadata.Name, Version: v.Version}.String()
			list := &metav1.APIResourceList{GroupVersion: gv}
			for _, r := range v.Resources {
				res := metav1.APIResource{Name: r.Resource, SingularName: r.Singular, Namespaced: r.Scope == "Namespaced", Verbs: r.Verbs, ShortNames: r.ShortNames}
				if r.ResponseKind != nil {
					res.Kind = r.ResponseKind.Kind
				}
				list.APIResources = append(list.APIResources, res)
				for _, s := range r.Subresources {
					list.APIResources = append(list.APIResources, metav1.APIResource{Name: r.Resource + "/" + s.Subresource, Namespaced: res.Namespaced, Verbs: s.Verbs})
				}
			}
			out = append(out, list)
		}
	}
	d.mu.Lock()
	d.preferred = out
	d.mu.Unlock()
	return out, nil
}

func (d *Discovery) preferredByGroup() ([]*metav1.APIResourceList, error) {
	groups, err := d.ServerGroups()
	if err != nil {
		return nil, err
	}
	var out []*metav1.APIResourceList
	for _, g := range groups.Groups {
		list, err := d.ServerResourcesForGroupVersion(g.PreferredVersion.GroupVersion)
		if err != nil {
			return out, err
		}
		out = append(out, list)
	}
	return out, nil
}

// ResourceFor maps what a user typed (pods, pod, po, deployments.apps,
// deploy) to a served resource, as kubectl's REST mapper does. ok is false
// when nothing matches.
func (d *Discovery) ResourceFor(gr schema.GroupResource) (gvr schema.GroupVersionResource, res metav1.APIResource, ok bool, err error) {
	lists, err := d.ServerPreferredResources()
	if err != nil {
		return gvr, res, false, err
	}
	want := strings.ToLower(gr.Resource)
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		if gr.Group != "" && gv.Group != gr.Group && !strings.HasPrefix(gv.Group, gr.Group+".") {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") {
				continue
			}
			if r.Name == want || r.SingularName == want || strings.ToLower(r.Kind) == want || slices.Contains(r.ShortNames, want) {
				return gv.WithResource(r.Name), r, true, nil
			}
		}
	}
	return gvr, res, false, nil
}

// Serves reports whether a group version serves a resource, or a
// subresource named "resource/sub".
func (d *Discovery) Serves(gv schema.GroupVersion, name string) bool {
	list, err := d.ServerResourcesForGroupVersion(gv.String())
	if err != nil {
		return false
	}
	for _, r := range list.APIResources {
		if r.Name == name {
			return true
		}
	}
	return false
}
