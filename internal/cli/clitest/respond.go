package clitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// decode reads a body as an object; typed clients may leave apiVersion
// and kind out, which the API server takes from the URL.
func (s *Server) decode(gvr schema.GroupVersionResource, body []byte) *unstructured.Unstructured {
	var m map[string]any
	if utiljson.Unmarshal(body, &m) != nil || m == nil { // numbers as int64, as unstructured keeps them
		return nil
	}
	u := &unstructured.Unstructured{Object: m}
	if k, ok := s.kindOf(gvr); ok && u.GetKind() == "" {
		u.SetGroupVersionKind(k.GroupVersionKind)
	}
	return u
}

func statusFor(req Request) int {
	if req.Verb == "create" {
		return http.StatusCreated
	}
	return http.StatusOK
}

func writeJSON(w http.ResponseWriter, code int, obj any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if obj == nil {
		obj = map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"}
	}
	_ = json.NewEncoder(w).Encode(obj)
}

// writeError sends err as the API server's Status: an apierrors error
// keeps its code and reason, anything else is a 500.
func writeError(w http.ResponseWriter, err error) {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		status = apierrors.NewInternalError(err)
	}
	st := status.Status()
	st.Kind, st.APIVersion = "Status", "v1"
	code := int(st.Code)
	if code == 0 {
		code = http.StatusInternalServerError
	}
	writeJSON(w, code, st)
}

// serveProxy hands a service proxy request to the handler Proxy set, or
// refuses as the API server does when the Service has no endpoints.
func (s *Server) serveProxy(w http.ResponseWriter, r *http.Request, req Request) {
	name, _, _ := strings.Cut(req.Name, ":")
	s.mu.Lock()
	h := s.proxies[req.Namespace+"/"+name]
	s.mu.Unlock()
	if h == nil {
		writeError(w, apierrors.NewServiceUnavailable(fmt.Sprintf("no endpoints available for service %q", name)))
		return
	}
	prefix := fmt.Sprintf("/api/v1/namespaces/%s/services/%s/proxy", req.Namespace, req.Name)
	http.StripPrefix(prefix, h).ServeHTTP(w, r)
}
