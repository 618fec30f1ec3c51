package tkc

import (
	"context"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// ClusterClass is the class of vSphere 8's class-based TanzuKubernetesClusters.
const ClusterClass = "tanzukubernetescluster"

// Versions of run.tanzu.vmware.com a TanzuKubernetesCluster is created in.
var Versions = []string{"v1alpha3", "v1alpha2"}

// PlanInput is what a TanzuKubernetesCluster is planned from: one
// document and the choices made outside it.
type PlanInput struct {
	Doc yamldoc.Document
	// Name overrides the file's name when set.
	Name string
	// Namespace is the namespace in use; it fills a missing one, and
	// replaces the file's when NamespaceFromFlag says the user chose it.
	Namespace         string
	NamespaceFromFlag bool
}

// Is reports a document this package creates: a TanzuKubernetesCluster,
// a Cluster of class tanzukubernetescluster, or a flat TanzuKubernetesCluster file.
func Is(doc yamldoc.Document) bool {
	m, ok := doc.Data.(map[string]any)
	if !ok {
		return false
	}
	if IsFlat(m) {
		return true
	}
	u := &unstructured.Unstructured{Object: m}
	if u.GetKind() == Kind && strings.HasPrefix(u.GetAPIVersion(), Group+"/") {
		return true
	}
	class, _ := capi.TopologyClass(u)
	return u.GetKind() == "Cluster" && strings.HasPrefix(u.GetAPIVersion(), capi.Group+"/") && class == ClusterClass
}

// Plan turns the document into the object to create and checks it against
// the vSphere namespace and the Supervisor's releases: every problem at
// once, each with its file line, as an *errs.ProblemsError (a TKR that
// does not exist, alone, is an *errs.NotFoundError). Nothing is written.
func Plan(ctx context.Context, dyn dynamic.Interface, api capi.API, in PlanInput) (*unstructured.Unstructured, error) {
	doc := in.Doc
	m, _ := doc.Data.(map[string]any)
	releases, _, err := Releases(ctx, dyn, api)
	if err != nil {
		return nil, err
	}
	var obj *unstructured.Unstructured
	var spec *Spec
	switch {
	case IsFlat(m):
		obj, spec = fromFlat(doc, m, in, releases)
	case m["kind"] == Kind:
		obj, spec, err = fromTKC(doc, m, in, api.Versions)
	default:
		obj, spec, err = fromCluster(doc, m, in, api)
	}
	if err != nil {
		return nil, err
	}
	spaces, err := Namespaces(ctx, dyn, api.Versions, spec.Namespace)
	if err != nil {
		return nil, err
	}
	problems := spec.Check(Facts{Namespace: spaces[0], Releases: releases})
	if len(problems) == 0 {
		return obj, nil
	}
	for i := range problems {
		problems[i].File = doc.File
	}
	if len(problems) == 1 && strings.Contains(problems[0].Message, unknownTKR+" (available:") {
		return nil, &errs.NotFoundError{Kind: "TanzuKubernetesRelease", Name: spec.TKRs[0].Value,
			Hint: fmt.Sprintf("%s; list them with 'kubectl get tanzukubernetesreleases'", problems[0])}
	}
	return nil, errs.Problems(errs.DisplayFile(doc.File), "created", problems)
}

func nameAndNamespace(doc yamldoc.Document, u *unstructured.Unstructured, in PlanInput) error {
	if in.Name != "" {
		u.SetName(in.Name)
	}
	if u.GetName() == "" {
		return &errs.InputError{File: doc.File, Line: doc.Line("metadata"), Field: "metadata.name", Err: fmt.Errorf("the %s has no name: set metadata.name or pass NAME", u.GetKind())}
	}
	if in.NamespaceFromFlag || u.GetNamespace() == "" {
		u.SetNamespace(in.Namespace)
	}
	return nil
}

// fromTKC reads a TanzuKubernetesCluster manifest, kept in its version.
func fromTKC(doc yamldoc.Document, m map[string]any, in PlanInput, served kube.Served) (*unstructured.Unstructured, *Spec, error) {
	u := &unstructured.Unstructured{Object: m}
	version := u.GroupVersionKind().Version
	if !slices.Contains(Versions, version) {
		return nil, nil, &errs.InputError{File: doc.File, Line: doc.Line("apiVersion"), Field: "apiVersion",
			Err: fmt.Errorf("%s is not a version TanzuKubernetesClusters are created in: write apiVersion: %s/v1alpha3", u.GetAPIVersion(), Group)}
	}
	if !slices.Contains(served[Group], version) {
		return nil, nil, &errs.InputError{File: doc.File, Line: doc.Line("apiVersion"), Field: "apiVersion",
			Err: fmt.Errorf("this Supervisor does not serve %s (it serves %s)", u.GetAPIVersion(), errs.OrNone(served[Group]))}
	}
	if err := nameAndNamespace(doc, u, in); err != nil {
		return nil, nil, err
	}
	s := &Spec{File: doc.File, Namespace: u.GetNamespace()}
	at := func(path ...any) Field {
		v, ok := valueAt(m, path)
		if !ok {
			return Field{Value: missing, Line: doc.Line(path...), Path: dotted(path)}
		}
		return Field{Value: fmt.Sprint(v), Line: doc.Line(path...), Path: dotted(path)}
	}
	cp := []any{"spec", "topology", "controlPlane"}
	pool := func(at func(...any) Field, base []any, poolName *Field) {
		for _, k := range []string{"vmClass", "storageClass"} {
			f := at(append(slices.Clone(base), k)...)
			if f.Value == missing {
				s.problems = append(s.problems, f.problem("%s is required", k))
				continue
			}
			if k == "vmClass" {
				s.VMClasses = append(s.VMClasses, f)
			} else {
				s.Storage = append(s.Storage, f)
			}
		}
		if f := at(append(slices.Clone(base), "tkr", "reference", "name")...); f.Value != missing {
			s.TKRs = append(s.TKRs, f)
		}
		if poolName != nil {
			s.Pools = append(s.Pools, *poolName)
		}
	}
	if f := at(append(slices.Clone(cp), "replicas")...); f.Value != missing {
		s.ControlPlane = &f
	}
	pool(at, cp, nil)
	pools, _, _ := unstructured.NestedSlice(m, "spec", "topology", "nodePools")
	for i := range pools {
		base := []any{"spec", "topology", "nodePools", i}
		name := at(append(slices.Clone(base), "name")...)
		pool(at, base, &name)
	}
	if f := at("spec", "settings", "storage", "defaultClass"); f.Value != missing {
		s.Storage = append(s.Storage, f)
	}
	s.Pods = listAt(doc, m, "spec", "settings", "network", "pods", "cidrBlocks")
	s.Services = listAt(doc, m, "spec", "settings", "network", "services", "cidrBlocks")
	return u, s, nil
}

// fromCluster reads a class-based Cluster of class tanzukubernetescluster:
// its vmClass and storageClass variables (and each machine deployment's
// overrides), its Kubernetes version as a TKR's.
func fromCluster(doc yamldoc.Document, m map[string]any, in PlanInput, api capi.API) (*unstructured.Unstructured, *Spec, error) {
	u := &unstructured.Unstructured{Object: m}
	if u.GetKind() != "Cluster" || !strings.HasPrefix(u.GetAPIVersion(), capi.Group+"/") {
		return nil, nil, &errs.InputError{File: doc.File, Line: doc.Line("kind"), Field: "kind",
			Err: fmt.Errorf("expected a TanzuKubernetesCluster, a Cluster of class %s or a flat file, found %s %s", ClusterClass, u.GetAPIVersion(), u.GetKind())}
	}
	if err := nameAndNamespace(doc, u, in); err != nil {
		return nil, nil, err
	}
	s := &Spec{File: doc.File, Namespace: u.GetNamespace()}
	if v, ok, _ := unstructured.NestedString(m, "spec", "topology", "version"); ok {
		s.TKRs = append(s.TKRs, Field{Value: v, Line: doc.Line("spec", "topology", "version"), Path: "spec.topology.version"})
	}
	if r, ok, _ := unstructured.NestedFieldNoCopy(m, "spec", "topology", "controlPlane", "replicas"); ok {
		s.ControlPlane = &Field{Value: fmt.Sprint(r), Line: doc.Line("spec", "topology", "controlPlane", "replicas"), Path: "spec.topology.controlPlane.replicas"}
	}
	variables := func(base []any, key string) {
		vars, _, _ := unstructured.NestedSlice(m, strPath(append(slices.Clone(base), key))...)
		for i, item := range vars {
			v, _ := item.(map[string]any)
			path := append(slices.Clone(base), key, i, "value")
			f := Field{Line: doc.Line(path...), Path: fmt.Sprintf("%s[%v].value", dotted(append(slices.Clone(base), key)), v["name"])}
			switch v["name"] {
			case "vmClass":
				f.Value = fmt.Sprint(v["value"])
				s.VMClasses = append(s.VMClasses, f)
			case "storageClass", "defaultStorageClass":
				f.Value = fmt.Sprint(v["value"])
				s.Storage = append(s.Storage, f)
			case "storageClasses":
				list, _ := v["value"].([]any)
				for _, c := range list {
					f.Value = fmt.Sprint(c)
					s.Storage = append(s.Storage, f)
				}
			}
		}
	}
	variables([]any{"spec", "topology"}, "variables")
	mds, _, _ := unstructured.NestedSlice(m, "spec", "topology", "workers", "machineDeployments")
	for i, item := range mds {
		md, _ := item.(map[string]any)
		base := []any{"spec", "topology", "workers", "machineDeployments", i}
		s.Pools = append(s.Pools, Field{Value: fmt.Sprint(md["name"]), Line: doc.Line(append(slices.Clone(base), "name")...), Path: dotted(base) + ".name"})
		variables(append(base, "variables"), "overrides")
	}
	s.Pods = listAt(doc, m, "spec", "clusterNetwork", "pods", "cidrBlocks")
	s.Services = listAt(doc, m, "spec", "clusterNetwork", "services", "cidrBlocks")
	return toServedCluster(u, api), s, nil
}

// toServedCluster writes a v1beta1 Cluster as v1beta2 when the management
// cluster prefers it: the class moves to classRef, the rest agrees.
func toServedCluster(u *unstructured.Unstructured, api capi.API) *unstructured.Unstructured {
	if !strings.HasSuffix(u.GetAPIVersion(), "/v1beta1") || api.Version == "v1beta1" {
		return u
	}
	out := u.DeepCopy()
	out.SetAPIVersion(capi.Group + "/" + api.Version)
	name, ns := capi.TopologyClass(u)
	topology, _, _ := unstructured.NestedMap(out.Object, "spec", "topology")
	delete(topology, "class")
	delete(topology, "classNamespace")
	ref := map[string]any{"name": name}
	if explicit, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "classNamespace"); explicit != "" {
		ref["namespace"] = ns
	}
	topology["classRef"] = ref
	_ = unstructured.SetNestedMap(out.Object, topology, "spec", "topology")
	return out
}

func listAt(doc yamldoc.Document, m map[string]any, path ...string) []Field {
	items, _, _ := unstructured.NestedSlice(m, path...)
	keys := make([]any, len(path))
	for i, p := range path {
		keys[i] = p
	}
	var out []Field
	for i, item := range items {
		out = append(out, Field{Value: fmt.Sprint(item), Line: doc.Line(append(keys, i)...), Path: fmt.Sprintf("%s[%d]", strings.Join(path, "."), i)})
	}
	return out
}

// missing is the value of a field the document does not have.
const missing = "\x00"

// valueAt walks a decoded document along mapping keys and list indexes.
func valueAt(v any, path []any) (any, bool) {
	for _, p := range path {
		switch key := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[key]; !ok || v == nil {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || key >= len(l) {
				return nil, false
			}
			v = l[key]
		}
	}
	return v, true
}

// strPath keeps the mapping keys of a node path, for unstructured.Nested*
// (list indexes are walked by the caller).
func strPath(path []any) []string {
	out := make([]string, 0, len(path))
	for _, p := range path {
		if s, ok := p.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// dotted renders spec.topology.nodePools[0].vmClass.
func dotted(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch v := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", v)
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// Apply creates (or converges) the TanzuKubernetesCluster in its own
// version, by server-side apply, or the class-based Cluster; dryRun asks
// the API server's dry run. It says what happened: created, unchanged or
// configured.
func Apply(ctx context.Context, dyn dynamic.Interface, api capi.API, u *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, string, error) {
	if u.GetKind() != Kind {
		return capi.ApplyCluster(ctx, dyn, api, u, dryRun)
	}
	client := dyn.Resource(GVRFor(u)).Namespace(u.GetNamespace())
	existing, err := client.Get(ctx, u.GetName(), metav1.GetOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, "", fmt.Errorf("checking for TanzuKubernetesCluster %s: %w", u.GetName(), err)
	}
	body, err := u.MarshalJSON()
	if err != nil {
		return nil, "", err
	}
	applied, err := client.Patch(ctx, u.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: kube.FieldManager, DryRun: kube.DryRun(dryRun)})
	if apierrors.IsConflict(err) && apierrors.HasStatusCause(err, metav1.CauseTypeFieldManagerConflict) {
		return nil, "", &errs.ManagedError{Kind: "TanzuKubernetesCluster", Name: u.GetName(), Namespace: u.GetNamespace(), Err: err,
			Hint: "pick another name, or change it with kubectl tko cluster scale, upgrade or node-pool set"}
	}
	if err != nil {
		return nil, "", fmt.Errorf("creating TanzuKubernetesCluster %s/%s: %w", u.GetNamespace(), u.GetName(), err)
	}
	switch {
	case existing == nil:
		return applied, "created", nil
	case existing.GetResourceVersion() == applied.GetResourceVersion():
		return applied, "unchanged", nil
	}
	return applied, "configured", nil
}
