// Package clitest runs the plugins' commands in-process against an API
// server of its own: an httptest server that serves discovery and the
// resources of a TKO management cluster (Kinds) from memory, with resource
// versions, watches, server-side apply and dry runs, the status
// subresource and finalizers, as kube-apiserver does. A command reaches it
// the way it reaches a real one, through a kubeconfig and cli.Factory, so
// every branch of every command can be tested without a control plane.
package clitest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Server is an in-memory API server. Tests seed it with objects, add
// reactions (answers of their own, errors), and read back what commands
// asked and wrote.
type Server struct {
	// URL is the server's https address; Context is the kubeconfig context
	// Kubeconfig names it by ("tko-mgmt" unless set).
	URL     string
	Context string
	// User is who reviews say the caller is (the kubeadm admin unless set).
	User User

	t     testing.TB
	http  *httptest.Server
	store *store
	kinds []Kind
	stop  chan struct{}

	mu        sync.Mutex
	unserved  map[string]bool
	failing   map[string]bool
	requests  []Request
	reactions []reaction
	after     []reaction
	proxies   map[string]http.Handler
	metrics   string
}

// Request is one request the server saw.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Verb is get, list, watch, create, update, patch, delete or
	// deletecollection for resource requests, "" for discovery and others.
	Verb        string
	Resource    schema.GroupVersionResource
	Subresource string
	Namespace   string
	Name        string
	Body        []byte
	DryRun      bool
	// Object is the body decoded, for creates, updates and patches.
	Object *unstructured.Unstructured
	// Status is the HTTP status of the answer (200 while a watch streams).
	Status int
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if len(r.Query) > 0 {
		s += "?" + r.Query.Encode()
	}
	return s
}

// Reaction answers a request in place of the store: handled false passes
// it on. A non-nil obj is sent as JSON; an error as the API server's
// Status (apierrors' errors keep their code and reason).
type Reaction func(r Request) (handled bool, obj any, err error)

type reaction struct {
	verb, resource string
	fn             Reaction
}

func (r reaction) matches(req Request) bool {
	res := req.Resource.Resource
	if req.Subresource != "" {
		res += "/" + req.Subresource
	}
	return (r.verb == "*" || r.verb == req.Verb) && (r.resource == "*" || r.resource == res || r.resource == res+"."+req.Resource.Group)
}

// NewServer starts a server holding objs and the namespaces default,
// kube-system and kube-public; it stops when the test ends.
func NewServer(t testing.TB, objs ...*unstructured.Unstructured) *Server {
	t.Helper()
	s := &Server{Context: "tko-mgmt", User: admin(), t: t, store: newStore(), kinds: Kinds(), stop: make(chan struct{}), unserved: map[string]bool{}, failing: map[string]bool{}, proxies: map[string]http.Handler{}}
	for _, ns := range []string{"default", "kube-system", "kube-public"} {
		s.Add(Namespace(ns))
	}
	s.Add(objs...)
	s.http = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	s.URL = s.http.URL
	t.Cleanup(func() {
		close(s.stop)
		s.store.stopAll()
		s.http.Close()
	})
	return s
}

// Namespace is a Namespace object.
func Namespace(name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("v1")
	u.SetKind("Namespace")
	u.SetName(name)
	return u
}

// React adds a reaction for requests of verb ("*" for all) on resource:
// "clusters", "clusters.cluster.x-k8s.io", "clusters/status", or "*".
// Reactions added later are asked first.
func (s *Server) React(verb, resource string, fn Reaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reactions = append([]reaction{{verb, resource, fn}}, s.reactions...)
}

// Fail makes every request of verb on resource fail with err.
func (s *Server) Fail(verb, resource string, err error) {
	s.React(verb, resource, func(Request) (bool, any, error) { return true, nil, err })
}

// After calls fn after each stored (not dry-run) write of verb on
// resource, before the response: a controller's turn, made synchronous.
// fn gets the request with Object set to the object as stored.
func (s *Server) After(verb, resource string, fn func(r Request)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.after = append(s.after, reaction{verb, resource, func(r Request) (bool, any, error) { fn(r); return true, nil, nil }})
}

// Proxy serves namespace/service's proxy subresource (any port) with h,
// which sees the path after ".../proxy".
func (s *Server) Proxy(namespace, service string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proxies[namespace+"/"+service] = h
}

// ServeMetrics makes /metrics answer text, in Prometheus' text format, as
// an API server's own metrics (404 until set).
func (s *Server) ServeMetrics(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.metrics = text
}

// Unserve stops serving API groups ("velero.io"): discovery leaves them
// out and their requests are 404, as on a cluster without the CRDs.
func (s *Server) Unserve(groups ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range groups {
		s.unserved[g] = true
	}
}

// Requests returns every request so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// Forget drops the requests seen so far: what a test's own set-up asked
// is not the command's.
func (s *Server) Forget() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// Changes returns the requests that changed something: creates, updates,
// patches and deletes that succeeded and were not dry runs.
func (s *Server) Changes() []Request {
	var out []Request
	for _, r := range s.Requests() {
		switch r.Verb {
		case "create", "update", "patch", "delete", "deletecollection":
			if !r.DryRun && r.Status < 300 && !s.virtual(r.Resource) {
				out = append(out, r)
			}
		}
	}
	return out
}

func (s *Server) virtual(gvr schema.GroupVersionResource) bool {
	k, ok := s.kindOf(gvr)
	return ok && k.Virtual
}

// kindOf is the served kind of a resource.
func (s *Server) kindOf(gvr schema.GroupVersionResource) (Kind, bool) {
	s.mu.Lock()
	unserved := s.unserved[gvr.Group]
	s.mu.Unlock()
	if unserved {
		return Kind{}, false
	}
	for _, k := range s.kinds {
		if k.GVR() == gvr {
			return k, true
		}
	}
	return Kind{}, false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	req := s.parse(r, body)
	s.mu.Lock()
	index := len(s.requests)
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		s.mu.Lock()
		if index < len(s.requests) {
			s.requests[index].Status = rec.status
		}
		s.mu.Unlock()
	}()
	s.route(rec, r, req)
}

// recorder keeps the status of an answer; it flushes, for watches.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// route hands a request to discovery, the proxy, a reaction or the store.
func (s *Server) route(w http.ResponseWriter, r *http.Request, req Request) {
	if req.Verb == "" {
		s.serveOther(w, r, req)
		return
	}
	k, ok := s.kindOf(req.Resource)
	if !ok {
		writeError(w, apierrors.NewNotFound(req.Resource.GroupResource(), req.Name))
		return
	}
	if req.Subresource == "proxy" && req.Resource.Resource == "services" {
		s.serveProxy(w, r, req)
		return
	}
	s.mu.Lock()
	reactions := slices.Clone(s.reactions)
	s.mu.Unlock()
	for _, re := range reactions {
		if !re.matches(req) {
			continue
		}
		if handled, obj, err := re.fn(req); handled {
			if err != nil {
				writeError(w, err)
				return
			}
			writeJSON(w, statusFor(req), obj)
			return
		}
	}
	if req.Verb == "watch" {
		s.serveWatch(w, r, k, req)
		return
	}
	s.serveResource(w, r, k, req)
}

// parse reads what a request asks for from its method, path and query.
func (s *Server) parse(r *http.Request, body []byte) Request {
	q := r.URL.Query()
	req := Request{Method: r.Method, Path: r.URL.Path, Query: q, Body: body, DryRun: q.Get("dryRun") == "All"}
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	var rest []string
	switch {
	case len(segs) >= 3 && segs[0] == "api":
		req.Resource.Version, rest = segs[1], segs[2:]
	case len(segs) >= 4 && segs[0] == "apis":
		req.Resource.Group, req.Resource.Version, rest = segs[1], segs[2], segs[3:]
	default:
		return req
	}
	if len(rest) >= 3 && rest[0] == "namespaces" {
		if _, ok := s.kindOf(req.Resource.GroupVersion().WithResource(rest[2])); ok {
			req.Namespace, rest = rest[1], rest[2:]
		}
	}
	req.Resource.Resource = rest[0]
	if len(rest) > 1 {
		req.Name = rest[1]
	}
	if len(rest) > 2 {
		req.Subresource = rest[2]
	}
	switch {
	case r.Method == http.MethodGet && req.Name == "" && (q.Get("watch") == "true" || q.Get("watch") == "1"):
		req.Verb = "watch"
	case r.Method == http.MethodGet && req.Name == "":
		req.Verb = "list"
	case r.Method == http.MethodGet:
		req.Verb = "get"
	case r.Method == http.MethodPost:
		req.Verb = "create"
	case r.Method == http.MethodPut:
		req.Verb = "update"
	case r.Method == http.MethodPatch:
		req.Verb = "patch"
	case r.Method == http.MethodDelete && req.Name == "":
		req.Verb = "deletecollection"
	case r.Method == http.MethodDelete:
		req.Verb = "delete"
	}
	if req.Subresource == "proxy" {
		req.Verb = strings.ToLower(r.Method)
	}
	if strings.HasPrefix(req.Verb, "delete") && len(body) > 0 {
		// client-go sends a delete's options in its body
		var opts metav1.DeleteOptions
		if json.Unmarshal(body, &opts) == nil && slices.Contains(opts.DryRun, metav1.DryRunAll) {
			req.DryRun = true
		}
	}
	if len(body) > 0 && (req.Verb == "create" || req.Verb == "update") {
		req.Object = s.decode(req.Resource, body)
	}
	return req
}
