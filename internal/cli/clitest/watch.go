package clitest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
)

// serveWatch streams watch events as the API server does, one JSON object
// a line: the changes after ?resourceVersion=, or every object first
// (?sendInitialEvents=true, or no version) with the bookmark that ends
// them when asked; until ?timeoutSeconds=, the client leaves or the test
// ends.
func (s *Server) serveWatch(w http.ResponseWriter, r *http.Request, k Kind, req Request) {
	match, err := selector(req)
	if err != nil {
		writeError(w, err)
		return
	}
	rvParam := req.Query.Get("resourceVersion")
	sendInitial := req.Query.Get("sendInitialEvents") == "true"
	from, err := strconv.ParseInt(rvParam, 10, 64)
	if err != nil && rvParam != "" {
		writeError(w, apierrors.NewBadRequest("resourceVersion: not a number"))
		return
	}
	watcher, backlog, rv := s.store.watch(k, req.Namespace, match, from, sendInitial || rvParam == "" || rvParam == "0")
	defer s.store.stop(watcher)
	var timeout <-chan time.Time
	if secs, _ := strconv.Atoi(req.Query.Get("timeoutSeconds")); secs > 0 {
		timer := time.NewTimer(time.Duration(secs) * time.Second)
		defer timer.Stop()
		timeout = timer.C
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Transfer-Encoding", "chunked")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	send := func(typ watch.EventType, obj any) bool {
		if err := enc.Encode(map[string]any{"type": typ, "object": obj}); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return true
	}
	for _, c := range backlog {
		if !send(c.typ, c.obj.Object) {
			return
		}
	}
	if sendInitial {
		bookmark := map[string]any{
			"apiVersion": k.GroupVersion().String(), "kind": k.Kind,
			"metadata": map[string]any{
				"resourceVersion": strconv.FormatInt(rv, 10),
				"annotations":     map[string]any{metav1.InitialEventsAnnotationKey: "true"},
			},
		}
		if !send(watch.Bookmark, bookmark) {
			return
		}
	}
	if flusher != nil {
		flusher.Flush()
	}
	for {
		select {
		case c, ok := <-watcher.ch:
			if !ok || !send(c.typ, c.obj.Object) {
				return
			}
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		case <-timeout:
			return
		}
	}
}
