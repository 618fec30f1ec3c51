package clitest

import (
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/yaml"
)

// create stores a new object, as POST does: the status of a kind with a
// status subresource is dropped, generateName is honoured, the namespace
// must exist.
func (s *store) create(k Kind, namespace string, obj *unstructured.Unstructured, w write) (*unstructured.Unstructured, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if obj.GetName() == "" && obj.GetGenerateName() != "" {
		obj.SetName(obj.GetGenerateName() + randomSuffix())
	}
	if obj.GetName() == "" {
		return nil, apierrors.NewBadRequest("metadata.name: Required value: name or generateName is required")
	}
	if err := s.checkTarget(k, namespace, obj); err != nil {
		return nil, err
	}
	if s.objects[storageGVR(k.GVR())][objKey{namespace, obj.GetName()}] != nil {
		return nil, apierrors.NewAlreadyExists(k.GVR().GroupResource(), obj.GetName())
	}
	if k.Status {
		delete(obj.Object, "status")
	}
	obj.SetGeneration(1)
	return s.commit(k, nil, obj, "", w)
}

// checkTarget refuses an object whose kind, namespace or name disagrees
// with the request, or whose namespace is missing.
func (s *store) checkTarget(k Kind, namespace string, obj *unstructured.Unstructured) error {
	if gvk := obj.GroupVersionKind(); gvk != k.GroupVersionKind {
		return apierrors.NewBadRequest(fmt.Sprintf("the object is a %s, the request is for %s", gvk, k.GroupVersionKind))
	}
	if obj.GetNamespace() == "" {
		obj.SetNamespace(namespace)
	}
	if obj.GetNamespace() != namespace {
		return apierrors.NewBadRequest("the namespace of the provided object does not match the namespace sent on the request")
	}
	if k.Namespaced && s.objects[storageGVR(nsGVR())][objKey{"", namespace}] == nil {
		return apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, namespace)
	}
	return nil
}

// commit records a write: managed fields, the stamps of a new object or
// the kept ones of an old, generation, then (unless a dry run) the store.
// A deleted object whose last finalizer goes is removed.
func (s *store) commit(k Kind, old, obj *unstructured.Unstructured, subresource string, w write) (*unstructured.Unstructured, error) {
	live := old
	if live == nil {
		live = &unstructured.Unstructured{}
		live.SetGroupVersionKind(k.GroupVersionKind)
	}
	mgr, err := s.fieldManager(k, subresource)
	if err != nil {
		return nil, err
	}
	managed, err := mgr.Update(live, obj, w.manager)
	if err != nil {
		return nil, apierrors.NewInternalError(err)
	}
	obj = managed.(*unstructured.Unstructured)
	return s.finish(k, old, obj, w)
}

// finish stamps and stores an object whose managed fields are settled.
func (s *store) finish(k Kind, old, obj *unstructured.Unstructured, w write) (*unstructured.Unstructured, error) {
	next := s.rv + 1
	obj.SetResourceVersion(strconv.FormatInt(next, 10))
	if old == nil {
		obj.SetUID(uid(next))
		obj.SetCreationTimestamp(metav1.NewTime(time.Now().Truncate(time.Second)))
		obj.SetGeneration(1)
	} else {
		obj.SetUID(old.GetUID())
		obj.SetCreationTimestamp(old.GetCreationTimestamp())
		obj.SetDeletionTimestamp(old.GetDeletionTimestamp())
		obj.SetGeneration(old.GetGeneration())
		if specChanged(old, obj) {
			obj.SetGeneration(old.GetGeneration() + 1)
		}
	}
	if old != nil && unchanged(old, obj) {
		// The API server skips a write that changes nothing: no new
		// resourceVersion, no watch event.
		return old.DeepCopy(), nil
	}
	if w.dryRun {
		return obj, nil
	}
	if obj.GetDeletionTimestamp() != nil && len(obj.GetFinalizers()) == 0 {
		s.remove(k.GVR(), obj)
		return obj, nil
	}
	s.rv = next
	s.store(k.GVR(), obj)
	return obj.DeepCopy(), nil
}

// unchanged compares two versions of an object but for their resource
// version and the times in their managed fields.
func unchanged(old, obj *unstructured.Unstructured) bool {
	norm := func(u *unstructured.Unstructured) *unstructured.Unstructured {
		c := u.DeepCopy()
		c.SetResourceVersion("")
		fields := c.GetManagedFields()
		for i := range fields {
			fields[i].Time = nil
		}
		c.SetManagedFields(fields)
		return c
	}
	return equality.Semantic.DeepEqual(norm(old).Object, norm(obj).Object)
}

// update replaces an object, as PUT does: a stale resourceVersion is a
// conflict; the object's own write keeps the stored status of a kind with
// a status subresource, a write to /status keeps everything but status.
func (s *store) update(k Kind, namespace, name string, obj *unstructured.Unstructured, subresource string, w write) (*unstructured.Unstructured, error) {
	return s.modify(k, namespace, name, subresource, w, func(*unstructured.Unstructured) (*unstructured.Unstructured, error) {
		return obj, nil
	})
}

// modify writes what change makes of the stored object, under the lock:
// concurrent patches never lose each other's changes.
func (s *store) modify(k Kind, namespace, name, subresource string, w write, change func(old *unstructured.Unstructured) (*unstructured.Unstructured, error)) (*unstructured.Unstructured, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.objects[storageGVR(k.GVR())][objKey{namespace, name}]
	if old == nil {
		return nil, notFound(k, name)
	}
	obj, err := change(old.DeepCopy())
	if err != nil {
		return nil, err
	}
	if obj.GetName() != name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", obj.GetName(), name))
	}
	if err := s.checkTarget(k, namespace, obj); err != nil {
		return nil, err
	}
	if rv := obj.GetResourceVersion(); rv != "" && rv != old.GetResourceVersion() {
		return nil, apierrors.NewConflict(k.GVR().GroupResource(), name, fmt.Errorf("the object has been modified; please apply your changes to the latest version and try again"))
	}
	return s.commit(k, old, keepParts(k, old, obj, subresource), subresource, w)
}

// keepParts gives a write to an object, or to its status, only the part
// it may change.
func keepParts(k Kind, old, obj *unstructured.Unstructured, subresource string) *unstructured.Unstructured {
	switch {
	case subresource == "status":
		out := old.DeepCopy()
		if status, ok := obj.Object["status"]; ok {
			out.Object["status"] = status
		} else {
			delete(out.Object, "status")
		}
		return out
	case k.Status:
		if status, ok := old.Object["status"]; ok {
			obj.Object["status"] = status
		} else {
			delete(obj.Object, "status")
		}
	}
	return obj
}

// patch applies a merge patch (a strategic merge patch is taken as one:
// lists are replaced whole) or a server-side apply.
func (s *store) patch(k Kind, namespace, name string, pt types.PatchType, body []byte, subresource string, w write) (*unstructured.Unstructured, error) {
	if pt == types.ApplyPatchType {
		return s.apply(k, namespace, name, body, subresource, w)
	}
	if pt != types.MergePatchType && pt != types.StrategicMergePatchType {
		return nil, apierrors.NewGenericServerResponse(415, "patch", k.GVR().GroupResource(), name, fmt.Sprintf("patch type %s is not served by the test API server", pt), 0, false)
	}
	var p map[string]any
	if err := utiljson.Unmarshal(body, &p); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the patch is not JSON: %v", err))
	}
	return s.modify(k, namespace, name, subresource, w, func(old *unstructured.Unstructured) (*unstructured.Unstructured, error) {
		patched := &unstructured.Unstructured{Object: mergePatch(old.Object, p).(map[string]any)}
		if meta, _ := p["metadata"].(map[string]any); meta["resourceVersion"] == nil {
			patched.SetResourceVersion("")
		}
		return patched, nil
	})
}

// mergePatch is RFC 7386: maps merge, null deletes, anything else replaces.
func mergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = mergePatch(d[k], v)
	}
	return d
}

// apply is server-side apply through apimachinery's field manager: owned
// fields an apply no longer names are removed, conflicts refused unless
// forced; an object not there yet is created.
func (s *store) apply(k Kind, namespace, name string, body []byte, subresource string, w write) (*unstructured.Unstructured, error) {
	applied := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(body, &applied.Object); err != nil {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the applied configuration is not YAML or JSON: %v", err))
	}
	if applied.GetName() == "" {
		applied.SetName(name)
	}
	if w.manager == "" {
		return nil, apierrors.NewBadRequest("PATCH, application/apply-patch+yaml: fieldManager is required for apply requests")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkTarget(k, namespace, applied); err != nil {
		return nil, err
	}
	old := s.objects[storageGVR(k.GVR())][objKey{namespace, name}]
	live := old
	if live == nil {
		if subresource != "" {
			return nil, notFound(k, name)
		}
		live = &unstructured.Unstructured{}
		live.SetGroupVersionKind(k.GroupVersionKind)
	}
	mgr, err := s.fieldManager(k, subresource)
	if err != nil {
		return nil, err
	}
	result, err := mgr.Apply(live, applied, w.manager, w.force)
	if err != nil {
		if apierrors.IsConflict(err) || apierrors.IsBadRequest(err) || apierrors.IsInvalid(err) {
			return nil, err
		}
		return nil, apierrors.NewBadRequest(err.Error())
	}
	obj := result.(*unstructured.Unstructured)
	if old == nil && k.Status {
		delete(obj.Object, "status")
	}
	if old != nil {
		obj = keepParts(k, old, obj, subresource)
	}
	return s.finish(k, old, obj, w)
}

// delete removes an object; one with finalizers is only marked deleted
// until they are gone. A namespace takes its objects with it.
func (s *store) delete(k Kind, namespace, name string, w write) (*unstructured.Unstructured, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.objects[storageGVR(k.GVR())][objKey{namespace, name}]
	if old == nil {
		return nil, notFound(k, name)
	}
	if w.dryRun {
		return old.DeepCopy(), nil
	}
	if len(old.GetFinalizers()) > 0 {
		if old.GetDeletionTimestamp() != nil {
			return old.DeepCopy(), nil
		}
		obj := old.DeepCopy()
		now := metav1.NewTime(time.Now().Truncate(time.Second))
		obj.SetDeletionTimestamp(&now)
		obj.SetGeneration(old.GetGeneration() + 1)
		s.rv++
		obj.SetResourceVersion(strconv.FormatInt(s.rv, 10))
		s.store(k.GVR(), obj)
		return obj.DeepCopy(), nil
	}
	if k.GVR() == nsGVR() {
		for gvr, objs := range s.objects {
			for key, obj := range objs {
				if key.namespace == name {
					s.remove(gvr, obj)
				}
			}
		}
	}
	s.remove(k.GVR(), old)
	return old.DeepCopy(), nil
}

// fieldManager is apimachinery's field manager for a kind (or its status),
// with types deduced from the objects, as for a CRD without a schema.
func (s *store) fieldManager(k Kind, subresource string) (*managedfields.FieldManager, error) {
	key := k.String() + "/" + subresource
	if m := s.managers[key]; m != nil {
		return m, nil
	}
	m, err := managedfields.NewDefaultFieldManager(s.types, unstructuredScheme{}, unstructuredScheme{}, unstructuredScheme{}, k.GroupVersionKind, k.GroupVersion(), subresource, nil)
	if err != nil {
		return nil, fmt.Errorf("field manager of %s: %w", k.GroupVersionKind, err)
	}
	s.managers[key] = m
	return m, nil
}

// unstructuredScheme converts, creates and defaults unstructured objects
// of one version: what the field manager needs of a scheme.
type unstructuredScheme struct{}

func (unstructuredScheme) Convert(in, out, _ any) error {
	src, ok1 := in.(*unstructured.Unstructured)
	dst, ok2 := out.(*unstructured.Unstructured)
	if !ok1 || !ok2 {
		return fmt.Errorf("cannot convert %T to %T", in, out)
	}
	dst.Object = src.DeepCopy().Object
	return nil
}

func (unstructuredScheme) ConvertToVersion(in runtime.Object, gv runtime.GroupVersioner) (runtime.Object, error) {
	u, ok := in.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("cannot convert %T", in)
	}
	out := u.DeepCopy()
	if gvk, ok := gv.KindForGroupVersionKinds([]schema.GroupVersionKind{u.GroupVersionKind()}); ok {
		out.SetGroupVersionKind(gvk)
	}
	return out, nil
}

func (unstructuredScheme) ConvertFieldLabel(_ schema.GroupVersionKind, label, value string) (string, string, error) {
	return label, value, nil
}

func (unstructuredScheme) New(gvk schema.GroupVersionKind) (runtime.Object, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u, nil
}

func (unstructuredScheme) Default(runtime.Object) {}

// randomSuffix is the five characters generateName gets.
func randomSuffix() string {
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}
