package clitest

import (
	"reflect"
	"strings"
	"testing"
)

// CheckFunc is a Case's Check.
type CheckFunc func(t *testing.T, s *Server, r Result)

// split takes "namespace/name", or "name" for a cluster-scoped object.
func split(key string) (namespace, name string) {
	if ns, name, ok := strings.Cut(key, "/"); ok {
		return ns, name
	}
	return "", key
}

// Field returns a field of a stored object, nil when the object or the
// field is missing. In a list, an element "key=value" picks the item
// whose key is value: "machineDeployments", "name=md-0", "replicas".
func (s *Server) Field(resource, key string, path ...string) any {
	s.t.Helper()
	ns, name := split(key)
	u := s.Object(resource, ns, name)
	if u == nil {
		return nil
	}
	return lookup(u.Object, path)
}

func lookup(v any, path []string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			k, want, _ := strings.Cut(p, "=")
			v = nil
			for _, item := range x {
				if m, ok := item.(map[string]any); ok && m[k] == want {
					v = m
					break
				}
			}
		default:
			return nil
		}
	}
	return v
}

// Stored checks that a stored object's field holds want (integers as
// int64, as objects keep them).
func Stored(resource, key string, want any, path ...string) CheckFunc {
	return func(t *testing.T, s *Server, _ Result) {
		t.Helper()
		if got := s.Field(resource, key, path...); !reflect.DeepEqual(got, want) {
			t.Errorf("%s %s %s: stored %#v, want %#v", resource, key, strings.Join(path, "."), got, want)
		}
	}
}

// Present checks that objects are stored; Gone that they are not.
func Present(resource string, keys ...string) CheckFunc { return presence(resource, keys, true) }

// Gone checks that objects are not stored (deleted, or never created).
func Gone(resource string, keys ...string) CheckFunc { return presence(resource, keys, false) }

func presence(resource string, keys []string, want bool) CheckFunc {
	return func(t *testing.T, s *Server, _ Result) {
		t.Helper()
		for _, key := range keys {
			ns, name := split(key)
			if got := s.Object(resource, ns, name) != nil; got != want {
				t.Errorf("%s %s stored: %v, want %v", resource, key, got, want)
			}
		}
	}
}

// All runs every check.
func All(checks ...CheckFunc) CheckFunc {
	return func(t *testing.T, s *Server, r Result) {
		t.Helper()
		for _, c := range checks {
			c(t, s, r)
		}
	}
}

// Changes checks that the run made n changes, each of verb.
func Changes(verb string, n int) CheckFunc {
	return func(t *testing.T, s *Server, _ Result) {
		t.Helper()
		changes := s.Changes()
		if len(changes) != n {
			t.Errorf("%d change(s), want %d %s: %v", len(changes), n, verb, changes)
		}
		for _, c := range changes {
			if c.Verb != verb {
				t.Errorf("a %s, want only %s: %s", c.Verb, verb, c)
			}
		}
	}
}

// NoDiscovery checks that the command asked the server no discovery
// request: a verb that knows what it reads costs its reads alone.
func NoDiscovery(t *testing.T, s *Server, _ Result) {
	t.Helper()
	for _, r := range s.Requests() {
		if r.Verb == "" {
			t.Errorf("a discovery request: %s %s", r.Method, r.Path)
		}
	}
}
