package clitest

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
)

// serveResource answers get, list, create, update, patch and delete from
// the store, then lets the After hooks see what was stored.
func (s *Server) serveResource(w http.ResponseWriter, r *http.Request, k Kind, req Request) {
	wr := write{dryRun: req.DryRun, manager: req.Query.Get("fieldManager"), force: req.Query.Get("force") == "true"}
	if wr.manager == "" {
		wr.manager, _, _ = strings.Cut(r.UserAgent(), "/")
	}
	if k.Virtual && req.Verb != "create" {
		writeError(w, apierrors.NewMethodNotSupported(k.GVR().GroupResource(), req.Verb))
		return
	}
	var (
		obj *unstructured.Unstructured
		err error
	)
	switch req.Verb {
	case "get":
		if obj, err = s.store.get(k, req.Namespace, req.Name); err == nil && req.Subresource != "" && req.Subresource != "status" {
			err = apierrors.NewNotFound(k.GVR().GroupResource(), req.Name+"/"+req.Subresource)
		}
	case "list":
		s.serveList(w, r, k, req)
		return
	case "create":
		if req.Object == nil {
			err = apierrors.NewBadRequest("the body is not a Kubernetes object")
		} else if k.Virtual {
			obj = s.review(k, req.Object)
		} else {
			obj, err = s.store.create(k, req.Namespace, req.Object.DeepCopy(), wr)
		}
	case "update":
		if req.Object == nil {
			err = apierrors.NewBadRequest("the body is not a Kubernetes object")
		} else {
			obj, err = s.store.update(k, req.Namespace, req.Name, req.Object.DeepCopy(), req.Subresource, wr)
		}
	case "patch":
		obj, err = s.store.patch(k, req.Namespace, req.Name, types.PatchType(r.Header.Get("Content-Type")), req.Body, req.Subresource, wr)
	case "delete":
		obj, err = s.store.delete(k, req.Namespace, req.Name, wr)
	case "deletecollection":
		err = s.deleteCollection(k, req, wr)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	obj = served(k, obj)
	if obj != nil && !req.DryRun && !k.Virtual {
		s.runAfter(req, obj)
	}
	if obj != nil && strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadata") {
		writeJSON(w, statusFor(req), partial(obj))
		return
	}
	if obj == nil {
		writeJSON(w, http.StatusOK, nil)
		return
	}
	writeJSON(w, statusFor(req), obj.Object)
}

func (s *Server) deleteCollection(k Kind, req Request, wr write) error {
	match, err := selector(req)
	if err != nil {
		return err
	}
	objs, _ := s.store.list(k, req.Namespace, match)
	for _, obj := range objs {
		if _, err := s.store.delete(k, obj.GetNamespace(), obj.GetName(), wr); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func (s *Server) runAfter(req Request, obj *unstructured.Unstructured) {
	s.mu.Lock()
	hooks := s.after
	s.mu.Unlock()
	req.Object = obj.DeepCopy()
	for _, h := range hooks {
		if h.matches(req) {
			_, _, _ = h.fn(req)
		}
	}
}

// serveList sends a list page: limit and continue as the API server pages,
// items of built-in kinds without apiVersion and kind as it sends them.
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, k Kind, req Request) {
	match, err := selector(req)
	if err != nil {
		writeError(w, err)
		return
	}
	objs, rv := s.store.list(k, req.Namespace, match)
	if token := req.Query.Get("continue"); token != "" {
		start, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			writeError(w, apierrors.NewBadRequest("continue: not a token of this server"))
			return
		}
		ns, name, _ := strings.Cut(string(start), "/")
		from := &unstructured.Unstructured{}
		from.SetNamespace(ns)
		from.SetName(name)
		for len(objs) > 0 && before(objs[0], from) {
			objs = objs[1:]
		}
	}
	listMeta := map[string]any{"resourceVersion": strconv.FormatInt(rv, 10)}
	if limit, _ := strconv.Atoi(req.Query.Get("limit")); limit > 0 && len(objs) > limit {
		next := objs[limit]
		listMeta["continue"] = base64.RawURLEncoding.EncodeToString([]byte(next.GetNamespace() + "/" + next.GetName()))
		listMeta["remainingItemCount"] = len(objs) - limit
		objs = objs[:limit]
	}
	if strings.Contains(r.Header.Get("Accept"), "as=PartialObjectMetadataList") {
		items := make([]any, len(objs))
		for i, o := range objs {
			items[i] = partial(o)
		}
		writeJSON(w, http.StatusOK, map[string]any{"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadataList", "metadata": listMeta, "items": items})
		return
	}
	items := make([]any, len(objs))
	for i, o := range objs {
		item := o.Object
		if !k.CRD {
			item = o.DeepCopy().Object
			delete(item, "apiVersion")
			delete(item, "kind")
		}
		items[i] = item
	}
	writeJSON(w, http.StatusOK, map[string]any{"apiVersion": k.GroupVersion().String(), "kind": k.Kind + "List", "metadata": listMeta, "items": items})
}

// selector matches objects against ?labelSelector= and ?fieldSelector=;
// a field is a dotted path into the object (metadata.name, type,
// involvedObject.name, spec.nodeName).
func selector(req Request) (func(*unstructured.Unstructured) bool, error) {
	ls, err := labels.Parse(req.Query.Get("labelSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("labelSelector: %v", err))
	}
	fs, err := fields.ParseSelector(req.Query.Get("fieldSelector"))
	if err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("fieldSelector: %v", err))
	}
	reqs := fs.Requirements()
	return func(u *unstructured.Unstructured) bool {
		if !ls.Matches(labels.Set(u.GetLabels())) {
			return false
		}
		for _, fr := range reqs {
			v, _, _ := unstructured.NestedFieldNoCopy(u.Object, strings.Split(fr.Field, ".")...)
			got := ""
			if v != nil {
				got = fmt.Sprint(v)
			}
			if (fr.Operator == "!=") == (got == fr.Value) {
				return false
			}
		}
		return true
	}, nil
}

// partial is the object as the metadata client asks for it.
func partial(u *unstructured.Unstructured) map[string]any {
	meta, _ := u.Object["metadata"].(map[string]any)
	return map[string]any{"apiVersion": metav1.SchemeGroupVersion.String(), "kind": "PartialObjectMetadata", "metadata": meta}
}
