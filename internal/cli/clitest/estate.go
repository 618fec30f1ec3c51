package clitest

import (
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

// seedDelete is internal/seed's mark of an object it deletes once
// seeded (a cluster left Deleting behind its finalizer).
const seedDelete = "seed.tko.tanzu.vmware.com/delete"

// Estate is a server holding the estate `make test` seeds, as seeding
// leaves it: the objects of internal/seed with their status stamped as
// seed.Apply stamps it, the ones it deletes left deleting, and the
// kubeconfig Secrets of the Available clusters pointing back at this
// server. It is stored directly (a test in this package holds it to
// seed.Apply over the API), in a few milliseconds.
func Estate(t testing.TB) *Server {
	t.Helper()
	s := NewServer(t)
	raw, err := clientcmd.Write(*Config(s))
	if err != nil {
		t.Fatalf("clitest: %v", err)
	}
	s.Seed(seed.Objects(raw, false)...)
	return s
}

// PackagesEstate is Estate with kapp-controller at work, as under `make
// test` as root: the local repository's packages served in tanzu-packages
// and every install and repository reconciled (KappController).
func PackagesEstate(t testing.TB) *Server {
	t.Helper()
	s := Estate(t)
	s.SeedPackages("tanzu-packages")
	s.KappController(nil)
	return s
}

// Seed stores objects as seed.Apply writes them: the generation an apply
// gives, the status stamped (condition times, observed generations), and
// a deletion when the seed asks for one.
func (s *Server) Seed(objs ...*unstructured.Unstructured) {
	s.t.Helper()
	now := time.Now().UTC()
	for _, obj := range objs {
		obj = obj.DeepCopy()
		generation := int64(1)
		if k, ok := s.kindOfObject(obj); ok {
			if old, err := s.store.get(k, obj.GetNamespace(), obj.GetName()); err == nil {
				generation = old.GetGeneration()
				if specChanged(old, obj) {
					generation++
				}
			}
		}
		obj.SetGeneration(generation)
		if status, ok := obj.Object["status"]; ok {
			obj.Object["status"] = seed.Stamp(status, generation, obj.GroupVersionKind(), now)
		}
		remove := obj.GetAnnotations()[seedDelete] == "true"
		s.Add(obj)
		if remove {
			k, _ := s.kindOfObject(obj)
			if _, err := s.store.delete(k, obj.GetNamespace(), obj.GetName(), write{}); err != nil {
				s.t.Fatalf("clitest: deleting %s %s: %v", obj.GetKind(), obj.GetName(), err)
			}
		}
	}
}

// SeedVelero adds the Velero objects `make test` records (locations,
// schedules, backups in every phase, a restore), whole as seed.ApplyVelero
// applies them.
func (s *Server) SeedVelero() {
	s.t.Helper()
	s.Add(seed.VeleroObjects(time.Now())...)
}

// SeedPackages adds, in each namespace, the Packages and PackageMetadatas
// of the seed's local repository: what kapp-controller serves from it
// under `make test` as root (contour, cert-manager, ... in TKG's names and
// versions, with their values schemas).
func (s *Server) SeedPackages(namespaces ...string) {
	s.t.Helper()
	repo := seed.LocalRepositoryObject()
	paths, _, _ := unstructured.NestedMap(repo, "spec", "fetch", "inline", "paths")
	for _, ns := range namespaces {
		for _, doc := range paths {
			for _, obj := range YAML(s.t, doc.(string)) {
				obj.SetNamespace(ns)
				s.Add(obj)
			}
		}
	}
}

// RESTConfig is a client configuration for the server, unthrottled.
func (s *Server) RESTConfig() *rest.Config {
	s.t.Helper()
	cfg, err := clientcmd.NewDefaultClientConfig(*Config(s), &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		s.t.Fatalf("clitest: %v", err)
	}
	cfg.QPS = -1 // no client-side throttling: seeding is hundreds of requests
	return cfg
}
