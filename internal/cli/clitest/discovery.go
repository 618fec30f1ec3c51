package clitest

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/version"
)

// ServerVersion is what /version answers: the Kubernetes of `make test`.
func ServerVersion() version.Info {
	return version.Info{Major: "1", Minor: "37", GitVersion: "v1.37.2", Platform: "linux/amd64"}
}

// serveOther answers what is not a resource: discovery (the
// unaggregated documents, which every client falls back to), /version and
// the health checks.
func (s *Server) serveOther(w http.ResponseWriter, r *http.Request, req Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case path == "/metrics":
		s.mu.Lock()
		text := s.metrics
		s.mu.Unlock()
		if text == "" {
			writeError(w, apierrors.NewNotFound(schema.GroupResource{}, ""))
			return
		}
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		_, _ = io.WriteString(w, text)
	case path == "/version":
		writeJSON(w, http.StatusOK, ServerVersion())
	case path == "/healthz" || path == "/livez" || path == "/readyz":
		s.serveHealth(w, r, strings.TrimPrefix(path, "/"))
	case path == "/api":
		writeJSON(w, http.StatusOK, metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"},
			ServerAddressByClientCIDRs: []metav1.ServerAddressByClientCIDR{{ClientCIDR: "0.0.0.0/0", ServerAddress: strings.TrimPrefix(s.URL, "https://")}}})
	case path == "/api/v1":
		writeJSON(w, http.StatusOK, s.resourceList(schema.GroupVersion{Version: "v1"}))
	case path == "/apis":
		writeJSON(w, http.StatusOK, metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}, Groups: s.groups()})
	case len(segs) == 2 && segs[0] == "apis":
		for _, g := range s.groups() {
			if g.Name == segs[1] {
				g.TypeMeta = metav1.TypeMeta{Kind: "APIGroup", APIVersion: "v1"}
				writeJSON(w, http.StatusOK, g)
				return
			}
		}
		writeError(w, apierrors.NewNotFound(schema.GroupResource{}, ""))
	case len(segs) == 3 && segs[0] == "apis":
		gv := schema.GroupVersion{Group: segs[1], Version: segs[2]}
		if list := s.resourceList(gv); len(list.APIResources) > 0 {
			writeJSON(w, http.StatusOK, list)
			return
		}
		writeError(w, apierrors.NewNotFound(schema.GroupResource{}, ""))
	default:
		writeError(w, apierrors.NewNotFound(schema.GroupResource{}, ""))
	}
}

// serveHealth answers a health endpoint as kube-apiserver does: "ok", or
// with ?verbose one line per check; a failed check fails it (500).
func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request, endpoint string) {
	s.mu.Lock()
	failing := maps.Clone(s.failing)
	s.mu.Unlock()
	var b strings.Builder
	for _, check := range []string{"ping", "log", "etcd", "informer-sync", "poststarthook/start-apiextensions-controllers"} {
		if _, bad := failing[check]; bad {
			fmt.Fprintf(&b, "[-]%s failed: reason withheld\n", check)
		} else {
			fmt.Fprintf(&b, "[+]%s ok\n", check)
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	switch {
	case len(failing) > 0:
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "%s%s check failed\n", b.String(), endpoint)
	case r.URL.Query().Has("verbose"):
		fmt.Fprintf(w, "%s%s check passed\n", b.String(), endpoint)
	default:
		_, _ = w.Write([]byte("ok"))
	}
}

// FailCheck makes a health check of /readyz, /livez and /healthz fail
// (ping, log, etcd, informer-sync or poststarthook/...).
func (s *Server) FailCheck(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing[name] = true
}

// served lists the kinds of the groups still served.
func (s *Server) served() []Kind {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Kind
	for _, k := range s.kinds {
		if !s.unserved[k.Group] {
			out = append(out, k)
		}
	}
	return out
}

// groups lists the served API groups but the core one, each with its
// versions in the order Kinds lists them, the first preferred.
func (s *Server) groups() []metav1.APIGroup {
	var out []metav1.APIGroup
	index := map[string]int{}
	for _, k := range s.served() {
		if k.Group == "" {
			continue
		}
		gv := metav1.GroupVersionForDiscovery{GroupVersion: k.GroupVersion().String(), Version: k.Version}
		i, ok := index[k.Group]
		if !ok {
			index[k.Group] = len(out)
			out = append(out, metav1.APIGroup{Name: k.Group, Versions: []metav1.GroupVersionForDiscovery{gv}, PreferredVersion: gv})
			continue
		}
		if !containsVersion(out[i].Versions, k.Version) {
			out[i].Versions = append(out[i].Versions, gv)
		}
	}
	return out
}

func containsVersion(vs []metav1.GroupVersionForDiscovery, v string) bool {
	for _, x := range vs {
		if x.Version == v {
			return true
		}
	}
	return false
}

// resourceList is a group version's resources and their status
// subresources.
func (s *Server) resourceList(gv schema.GroupVersion) *metav1.APIResourceList {
	list := &metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv.String()}
	for _, k := range s.served() {
		if k.GroupVersion() != gv {
			continue
		}
		list.APIResources = append(list.APIResources, metav1.APIResource{
			Name: k.Resource, SingularName: strings.ToLower(k.Kind), Namespaced: k.Namespaced, Kind: k.Kind, Verbs: k.Verbs(), ShortNames: k.ShortNames,
		})
		if k.Status {
			list.APIResources = append(list.APIResources, metav1.APIResource{Name: k.Resource + "/status", Namespaced: k.Namespaced, Kind: k.Kind, Verbs: []string{"get", "patch", "update"}})
		}
	}
	return list
}
