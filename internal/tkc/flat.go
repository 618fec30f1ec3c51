package tkc

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkg"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// The keys of a flat TanzuKubernetesCluster file: TKG's flat cluster
// configuration keys where they mean the same thing for a
// TanzuKubernetesCluster, and ours, named after the TKC fields, for what
// TKG has no key for (VM classes, storage classes, the node pool's name).
var (
	tkgKeys  = []string{"CLUSTER_NAME", "NAMESPACE", "CLUSTER_PLAN", "CONTROL_PLANE_MACHINE_COUNT", "WORKER_MACHINE_COUNT", "CLUSTER_CIDR", "SERVICE_CIDR", "KUBERNETES_VERSION", "TKR", "CNI", "OS_NAME"}
	vmKeys   = []string{"VM_CLASS", "CONTROL_PLANE_VM_CLASS", "WORKER_VM_CLASS"}
	ownKeys  = append(slices.Clone(vmKeys), "STORAGE_CLASS", "CONTROL_PLANE_STORAGE_CLASS", "WORKER_STORAGE_CLASS", "DEFAULT_STORAGE_CLASS", "NODE_POOL_NAME")
	flatKeys = append(slices.Clone(tkgKeys), ownKeys...)
)

// DefaultNodePool names the node pool of a flat file without NODE_POOL_NAME.
const DefaultNodePool = "np-1"

// IsFlat reports a flat file of a TanzuKubernetesCluster: TKG's flat
// shape, with a VM class (which no TKG file sets).
func IsFlat(m map[string]any) bool {
	if !tkg.IsFlatConfig(m) {
		return false
	}
	for _, k := range vmKeys {
		if _, ok := m[k]; ok {
			return true
		}
	}
	return false
}

// flat reads a flat file into a v1alpha3 TanzuKubernetesCluster.
type flat struct {
	doc  yamldoc.Document
	m    map[string]any
	spec *Spec
}

func (f *flat) field(key, path string) *Field {
	v, ok := f.m[key]
	if !ok || v == nil {
		return nil
	}
	return &Field{Value: strings.TrimSpace(fmt.Sprint(v)), Line: f.doc.Line(key), Path: path, Source: key}
}

// first is the first of the keys that is set.
func (f *flat) first(path string, keys ...string) *Field {
	for _, k := range keys {
		if fl := f.field(k, path); fl != nil {
			return fl
		}
	}
	return nil
}

func (f *flat) require(fl *Field, keys ...string) string {
	if fl == nil {
		f.spec.problems = append(f.spec.problems, errs.Problem{Source: keys[0], Message: fmt.Sprintf("set %s", strings.Join(keys, " or "))})
		return ""
	}
	return fl.Value
}

// count is a machine count: the key's value, else the plan's (prod: 3).
func (f *flat) count(key, path string) (int64, *Field) {
	fl := f.field(key, path)
	if fl == nil {
		plan := f.field("CLUSTER_PLAN", "")
		if plan != nil && strings.HasPrefix(plan.Value, "prod") {
			return 3, nil
		}
		return 1, nil
	}
	var n int64
	if _, err := fmt.Sscan(fl.Value, &n); err != nil || n < 0 {
		f.spec.problems = append(f.spec.problems, fl.problem("%q is not a machine count", fl.Value))
	}
	return n, fl
}

func cidrs(fl *Field) ([]any, []Field) {
	if fl == nil {
		return nil, nil
	}
	var blocks []any
	var fields []Field
	for _, b := range strings.Split(fl.Value, ",") {
		b = strings.TrimSpace(b)
		blocks = append(blocks, b)
		fields = append(fields, Field{Value: b, Line: fl.Line, Path: fl.Path, Source: fl.Source})
	}
	return blocks, fields
}

// fromFlat maps the flat file; releases resolve KUBERNETES_VERSION to a
// TKR name.
func fromFlat(doc yamldoc.Document, m map[string]any, in PlanInput, releases []Release) (*unstructured.Unstructured, *Spec) {
	f := &flat{doc: doc, m: m, spec: &Spec{File: doc.File}}
	s := f.spec
	var unknown []string
	for k := range m {
		if !slices.Contains(flatKeys, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		s.problems = append(s.problems, errs.Problem{Line: doc.Line(k), Source: k,
			Message: fmt.Sprintf("not a key of a TanzuKubernetesCluster file (the Supervisor places its machines); the keys are %s", strings.Join(flatKeys, ", "))})
	}
	name := in.Name
	if name == "" {
		name = f.require(f.field("CLUSTER_NAME", "metadata.name"), "CLUSTER_NAME")
	}
	ns := in.Namespace
	if nsField := f.field("NAMESPACE", "metadata.namespace"); nsField != nil && !in.NamespaceFromFlag {
		ns = nsField.Value
	}
	s.Namespace = ns
	const cp, np = "spec.topology.controlPlane.", "spec.topology.nodePools[0]."
	cpVM := f.require(f.first(cp+"vmClass", "CONTROL_PLANE_VM_CLASS", "VM_CLASS"), "VM_CLASS", "CONTROL_PLANE_VM_CLASS")
	npVM := f.require(f.first(np+"vmClass", "WORKER_VM_CLASS", "VM_CLASS"), "VM_CLASS", "WORKER_VM_CLASS")
	cpStorage := f.require(f.first(cp+"storageClass", "CONTROL_PLANE_STORAGE_CLASS", "STORAGE_CLASS"), "STORAGE_CLASS", "CONTROL_PLANE_STORAGE_CLASS")
	npStorage := f.require(f.first(np+"storageClass", "WORKER_STORAGE_CLASS", "STORAGE_CLASS"), "STORAGE_CLASS", "WORKER_STORAGE_CLASS")
	tkrField := f.first(cp+"tkr.reference.name", "TKR", "KUBERNETES_VERSION")
	tkrName := f.require(tkrField, "TKR", "KUBERNETES_VERSION")
	if r, ok := Find(releases, tkrName); ok {
		tkrName = r.Name
	}
	cpCount, cpField := f.count("CONTROL_PLANE_MACHINE_COUNT", cp+"replicas")
	npCount, _ := f.count("WORKER_MACHINE_COUNT", np+"replicas")
	poolName := DefaultNodePool
	if pf := f.field("NODE_POOL_NAME", np+"name"); pf != nil {
		poolName = pf.Value
		s.Pools = append(s.Pools, *pf)
	}
	s.ControlPlane = cpField
	for _, fl := range []*Field{f.first(cp+"vmClass", "CONTROL_PLANE_VM_CLASS", "VM_CLASS"), f.first(np+"vmClass", "WORKER_VM_CLASS", "VM_CLASS")} {
		if fl != nil && !slices.ContainsFunc(s.VMClasses, func(x Field) bool { return x.Source == fl.Source }) {
			s.VMClasses = append(s.VMClasses, *fl)
		}
	}
	defaultStorage := f.first("spec.settings.storage.defaultClass", "DEFAULT_STORAGE_CLASS", "STORAGE_CLASS")
	for _, fl := range []*Field{f.first(cp+"storageClass", "CONTROL_PLANE_STORAGE_CLASS", "STORAGE_CLASS"), f.first(np+"storageClass", "WORKER_STORAGE_CLASS", "STORAGE_CLASS"), defaultStorage} {
		if fl != nil && !slices.ContainsFunc(s.Storage, func(x Field) bool { return x.Source == fl.Source }) {
			s.Storage = append(s.Storage, *fl)
		}
	}
	if tkrField != nil {
		s.TKRs = append(s.TKRs, *tkrField)
	}
	pods, podFields := cidrs(f.field("CLUSTER_CIDR", "spec.settings.network.pods.cidrBlocks"))
	services, serviceFields := cidrs(f.field("SERVICE_CIDR", "spec.settings.network.services.cidrBlocks"))
	s.Pods, s.Services = podFields, serviceFields

	ref := map[string]any{"reference": map[string]any{"name": tkrName}}
	network := map[string]any{}
	if cni := f.field("CNI", ""); cni != nil {
		network["cni"] = map[string]any{"name": cni.Value}
	}
	if pods != nil {
		network["pods"] = map[string]any{"cidrBlocks": pods}
	}
	if services != nil {
		network["services"] = map[string]any{"cidrBlocks": services}
	}
	settings := map[string]any{}
	if len(network) > 0 {
		settings["network"] = network
	}
	if defaultStorage != nil {
		settings["storage"] = map[string]any{"defaultClass": defaultStorage.Value}
	}
	spec := map[string]any{"topology": map[string]any{
		"controlPlane": map[string]any{"replicas": cpCount, "vmClass": cpVM, "storageClass": cpStorage, "tkr": ref},
		"nodePools":    []any{map[string]any{"name": poolName, "replicas": npCount, "vmClass": npVM, "storageClass": npStorage, "tkr": ref}},
	}}
	if len(settings) > 0 {
		spec["settings"] = settings
	}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": Group + "/v1alpha3", "kind": Kind, "spec": spec}}
	u.SetName(name)
	u.SetNamespace(ns)
	if osName := f.field("OS_NAME", ""); osName != nil {
		u.SetAnnotations(map[string]string{"run.tanzu.vmware.com/resolve-os-image": "os-name=" + osName.Value})
	}
	return u, s
}
