package clitest

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/watch"
)

// store keeps objects as an API server does over etcd: one resource
// version counter for everything, every change kept for watches that
// start from an older version. Stored objects are never changed in place:
// a write stores a new copy, so readers and watchers share snapshots.
type store struct {
	mu       sync.Mutex
	rv       int64
	objects  map[schema.GroupVersionResource]map[objKey]*unstructured.Unstructured
	history  []change
	watchers map[*watcher]bool
	managers map[string]*managedfields.FieldManager
	types    managedfields.TypeConverter
}

type objKey struct{ namespace, name string }

// nsGVR is where namespaces are kept: an object's namespace must be there.
func nsGVR() schema.GroupVersionResource {
	return schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
}

// change is one watch event at the resource version it made.
type change struct {
	typ watch.EventType
	gvr schema.GroupVersionResource
	obj *unstructured.Unstructured
	rv  int64
}

type watcher struct {
	gvr       schema.GroupVersionResource // where the objects are kept
	kind      Kind                        // the version the watch asked for
	namespace string
	match     func(*unstructured.Unstructured) bool
	ch        chan change
}

// write says how a write is done: ?dryRun=All, ?fieldManager=, ?force=.
type write struct {
	dryRun  bool
	manager string
	force   bool
}

func newStore() *store {
	return &store{
		objects:  map[schema.GroupVersionResource]map[objKey]*unstructured.Unstructured{},
		watchers: map[*watcher]bool{},
		managers: map[string]*managedfields.FieldManager{},
		types:    managedfields.NewDeducedTypeConverter(),
	}
}

// storageGVR is where a resource's objects are kept whatever version a
// request names: the API server keeps a CRD's versions in one place and,
// with conversion strategy None (ours for TanzuKubernetesCluster), serves
// each object in the version asked for.
func storageGVR(gvr schema.GroupVersionResource) schema.GroupVersionResource {
	gvr.Version = ""
	return gvr
}

// served is obj as k's version serves it: only its apiVersion changes.
func served(k Kind, obj *unstructured.Unstructured) *unstructured.Unstructured {
	gv := k.GroupVersion().String()
	if obj == nil || obj.GetAPIVersion() == "" || obj.GetAPIVersion() == gv {
		return obj
	}
	out := obj.DeepCopy()
	out.SetAPIVersion(gv)
	return out
}

func notFound(k Kind, name string) error { return apierrors.NewNotFound(k.GVR().GroupResource(), name) }

// get returns a copy of a stored object.
func (s *store) get(k Kind, namespace, name string) (*unstructured.Unstructured, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj := s.objects[storageGVR(k.GVR())][objKey{namespace, name}]; obj != nil {
		return served(k, obj).DeepCopy(), nil
	}
	return nil, notFound(k, name)
}

// list returns the matching objects of a resource ("" namespace: all),
// ordered by namespace and name as etcd's keys order them, and the
// resource version the list is at.
func (s *store) list(k Kind, namespace string, match func(*unstructured.Unstructured) bool) ([]*unstructured.Unstructured, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*unstructured.Unstructured
	for key, obj := range s.objects[storageGVR(k.GVR())] {
		if (namespace == "" || key.namespace == namespace) && (match == nil || match(obj)) {
			out = append(out, served(k, obj))
		}
	}
	sort.Slice(out, func(i, j int) bool { return before(out[i], out[j]) })
	return out, s.rv
}

// before orders objects as etcd's keys do: by namespace, then name.
func before(a, b *unstructured.Unstructured) bool {
	if a.GetNamespace() != b.GetNamespace() {
		return a.GetNamespace() < b.GetNamespace()
	}
	return a.GetName() < b.GetName()
}

// put stores an object as given (status included), as a seed does: the
// namespace it lives in is made when missing.
func (s *store) put(k Kind, obj *unstructured.Unstructured) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns := obj.GetNamespace(); k.Namespaced && ns != "" && s.objects[storageGVR(nsGVR())][objKey{"", ns}] == nil {
		nsObj := &unstructured.Unstructured{}
		nsObj.SetAPIVersion("v1")
		nsObj.SetKind("Namespace")
		nsObj.SetName(ns)
		s.stampNew(nsObj)
		s.store(nsGVR(), nsObj)
	}
	obj = obj.DeepCopy()
	if old := s.objects[storageGVR(k.GVR())][objKey{obj.GetNamespace(), obj.GetName()}]; old != nil && obj.GetUID() == "" {
		obj.SetUID(old.GetUID())
		obj.SetCreationTimestamp(old.GetCreationTimestamp())
	}
	if created := obj.GetCreationTimestamp(); created.IsZero() {
		s.stampNew(obj)
	} else {
		s.rv++
		obj.SetResourceVersion(strconv.FormatInt(s.rv, 10))
		if obj.GetUID() == "" {
			obj.SetUID(uid(s.rv))
		}
	}
	s.store(k.GVR(), obj)
}

// stampNew gives a new object what the API server sets on create.
func (s *store) stampNew(obj *unstructured.Unstructured) {
	s.rv++
	obj.SetResourceVersion(strconv.FormatInt(s.rv, 10))
	obj.SetUID(uid(s.rv))
	obj.SetCreationTimestamp(metav1.NewTime(time.Now().Truncate(time.Second)))
	if obj.GetGeneration() == 0 {
		obj.SetGeneration(1)
	}
}

func uid(n int64) types.UID { return types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012d", n)) }

// store keeps obj (resource version already set) and tells the watchers.
func (s *store) store(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) {
	gvr = storageGVR(gvr)
	byKey := s.objects[gvr]
	if byKey == nil {
		byKey = map[objKey]*unstructured.Unstructured{}
		s.objects[gvr] = byKey
	}
	key := objKey{obj.GetNamespace(), obj.GetName()}
	typ := watch.Modified
	if byKey[key] == nil {
		typ = watch.Added
	}
	byKey[key] = obj
	s.notify(change{typ: typ, gvr: gvr, obj: obj, rv: s.rv})
}

func (s *store) remove(gvr schema.GroupVersionResource, obj *unstructured.Unstructured) {
	gvr = storageGVR(gvr)
	delete(s.objects[gvr], objKey{obj.GetNamespace(), obj.GetName()})
	s.rv++
	gone := obj.DeepCopy()
	gone.SetResourceVersion(strconv.FormatInt(s.rv, 10))
	s.notify(change{typ: watch.Deleted, gvr: gvr, obj: gone, rv: s.rv})
}

// notify records a change and hands it to every watcher it concerns. A
// watcher too slow to keep a large buffer is closed, as the API server
// closes a watch that falls behind.
func (s *store) notify(c change) {
	s.history = append(s.history, c)
	for w := range s.watchers {
		if w.gvr != c.gvr || (w.namespace != "" && w.namespace != c.obj.GetNamespace()) || (w.match != nil && !w.match(c.obj)) {
			continue
		}
		c.obj = served(w.kind, c.obj)
		select {
		case w.ch <- c:
		default:
			delete(s.watchers, w)
			close(w.ch)
		}
	}
}

// watch starts a watch: the changes after fromRV, or with initial every
// matching object as ADDED, then every change to come.
func (s *store) watch(k Kind, namespace string, match func(*unstructured.Unstructured) bool, fromRV int64, initial bool) (w *watcher, backlog []change, rv int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w = &watcher{gvr: storageGVR(k.GVR()), kind: k, namespace: namespace, match: match, ch: make(chan change, 1024)}
	if initial {
		for key, obj := range s.objects[w.gvr] {
			if (namespace == "" || key.namespace == namespace) && (match == nil || match(obj)) {
				backlog = append(backlog, change{typ: watch.Added, gvr: w.gvr, obj: served(k, obj)})
			}
		}
		sort.Slice(backlog, func(i, j int) bool { return before(backlog[i].obj, backlog[j].obj) })
	} else {
		for _, c := range s.history {
			if c.rv > fromRV && c.gvr == w.gvr && (namespace == "" || namespace == c.obj.GetNamespace()) && (match == nil || match(c.obj)) {
				c.obj = served(k, c.obj)
				backlog = append(backlog, c)
			}
		}
	}
	s.watchers[w] = true
	return w, backlog, s.rv
}

func (s *store) stop(w *watcher) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watchers[w] {
		delete(s.watchers, w)
		close(w.ch)
	}
}

// stopAll ends every watch (the server is closing).
func (s *store) stopAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for w := range s.watchers {
		delete(s.watchers, w)
		close(w.ch)
	}
}

// specChanged reports a change outside metadata and status: what bumps
// metadata.generation.
func specChanged(before, after *unstructured.Unstructured) bool {
	strip := func(u *unstructured.Unstructured) map[string]any {
		m := map[string]any{}
		for k, v := range u.Object {
			if k != "metadata" && k != "status" {
				m[k] = v
			}
		}
		return m
	}
	return !reflect.DeepEqual(strip(before), strip(after))
}
