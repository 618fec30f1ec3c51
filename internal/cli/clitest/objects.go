package clitest

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Add stores objects as they are, status included, as a seed or a
// controller writes them: an object already there is replaced, a missing
// namespace is made. A kind the server does not serve fails the test.
func (s *Server) Add(objs ...*unstructured.Unstructured) {
	s.t.Helper()
	for _, obj := range objs {
		k, ok := s.kindOfObject(obj)
		if !ok {
			s.t.Fatalf("clitest: %s %s is not a kind the server serves (add it to clitest.Kinds)", obj.GetAPIVersion(), obj.GetKind())
		}
		if !k.Namespaced {
			obj = obj.DeepCopy()
			obj.SetNamespace("")
		}
		s.store.put(k, obj)
	}
}

// AddYAML stores the objects of a YAML stream ("---" between documents).
func (s *Server) AddYAML(docs string) {
	s.t.Helper()
	s.Add(YAML(s.t, docs)...)
}

// YAML decodes the objects of a YAML stream.
func YAML(t testing.TB, docs string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, doc := range strings.Split("\n"+docs, "\n---") {
		obj := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
			t.Fatalf("clitest: %v in\n%s", err, doc)
		}
		if len(obj.Object) > 0 {
			out = append(out, obj)
		}
	}
	return out
}

// Object returns a stored object, or nil. resource is a plural, alone
// ("clusters") or with its group ("clusters.cluster.x-k8s.io").
func (s *Server) Object(resource, namespace, name string) *unstructured.Unstructured {
	s.t.Helper()
	obj, err := s.store.get(s.kindNamed(resource), namespace, name)
	if err != nil {
		return nil
	}
	return obj
}

// Objects returns the stored objects of a resource in a namespace ("":
// all), by namespace and name.
func (s *Server) Objects(resource, namespace string) []*unstructured.Unstructured {
	s.t.Helper()
	objs, _ := s.store.list(s.kindNamed(resource), namespace, nil)
	out := make([]*unstructured.Unstructured, len(objs))
	for i, o := range objs {
		out[i] = o.DeepCopy()
	}
	return out
}

// kindNamed resolves "clusters" or "clusters.cluster.x-k8s.io".
func (s *Server) kindNamed(resource string) Kind {
	s.t.Helper()
	name, group, _ := strings.Cut(resource, ".")
	for _, k := range s.kinds {
		if k.Resource == name && (group == "" || k.Group == group) {
			return k
		}
	}
	s.t.Fatalf("clitest: no resource %q", resource)
	return Kind{}
}

func (s *Server) kindOfObject(obj *unstructured.Unstructured) (Kind, bool) {
	gvk := obj.GroupVersionKind()
	for _, k := range s.kinds {
		if k.GroupVersionKind == gvk {
			return k, true
		}
	}
	return Kind{}, false
}
