// Package tkc reads and edits TanzuKubernetesClusters (run.tanzu.vmware.com,
// vSphere with Tanzu) of any served version through one typed view. Edits
// change only the fields they must on the object as read, so an object is
// written back in the version it was read in. It has no command-line code.
package tkc

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Names of the kind.
const (
	Group    = "run.tanzu.vmware.com"
	Kind     = "TanzuKubernetesCluster"
	Resource = "tanzukubernetesclusters"
)

// GVR is the resource of a TanzuKubernetesCluster in one version.
func GVR(version string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: Group, Version: version, Resource: Resource}
}

// GVRFor is the resource an object was read from, so it is written back
// in its own version.
func GVRFor(u *unstructured.Unstructured) schema.GroupVersionResource {
	return GVR(u.GroupVersionKind().Version)
}

// Taint is a node taint of a pool.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"`
}

// Pool is the control plane or a node pool of a TanzuKubernetesCluster.
type Pool struct {
	Name          string            `json:"name,omitempty"` // "" for the control plane
	Replicas      *int64            `json:"replicas,omitempty"`
	VMClass       string            `json:"vmClass,omitempty"`
	StorageClass  string            `json:"storageClass,omitempty"`
	TKR           string            `json:"tkr,omitempty"` // tkr.reference.name; "" follows the control plane
	FailureDomain string            `json:"failureDomain,omitempty"`
	Labels        map[string]string `json:"labels,omitempty"`
	Taints        []Taint           `json:"taints,omitempty"`
}

// ReplicaCount is Replicas, 0 when unset.
func (p Pool) ReplicaCount() int64 {
	if p.Replicas == nil {
		return 0
	}
	return *p.Replicas
}

// TKC is the version-independent view of a TanzuKubernetesCluster.
type TKC struct {
	Name         string           `json:"name"`
	Namespace    string           `json:"namespace"` // the vSphere namespace
	APIVersion   string           `json:"apiVersion"`
	ControlPlane Pool             `json:"controlPlane"`
	NodePools    []Pool           `json:"nodePools,omitempty"`
	Phase        string           `json:"phase,omitempty"`
	Version      string           `json:"version,omitempty"` // status.version: what runs
	Ready        *wait.Condition  `json:"ready,omitempty"`
	Conditions   []wait.Condition `json:"conditions,omitempty"`
	Deleting     bool             `json:"deleting,omitempty"`
}

// FromUnstructured reads the view of a TanzuKubernetesCluster.
func FromUnstructured(u *unstructured.Unstructured) TKC {
	t := TKC{Name: u.GetName(), Namespace: u.GetNamespace(), APIVersion: u.GetAPIVersion(), Deleting: u.GetDeletionTimestamp() != nil}
	if cp, ok, _ := unstructured.NestedMap(u.Object, "spec", "topology", "controlPlane"); ok {
		t.ControlPlane = poolFrom(cp)
	}
	for _, item := range nodePools(u) {
		if m, ok := item.(map[string]any); ok {
			t.NodePools = append(t.NodePools, poolFrom(m))
		}
	}
	t.Phase, _, _ = unstructured.NestedString(u.Object, "status", "phase")
	t.Version, _, _ = unstructured.NestedString(u.Object, "status", "version")
	t.Conditions = wait.Conditions(u)
	if c, ok := wait.Find(t.Conditions, "Ready"); ok {
		t.Ready = &c
	}
	return t
}

// IsReady reports a Ready condition that is True.
func (t TKC) IsReady() bool { return t.Ready != nil && t.Ready.Status == "True" }

// PoolNames lists the node pools.
func (t TKC) PoolNames() []string {
	names := make([]string, len(t.NodePools))
	for i, p := range t.NodePools {
		names[i] = p.Name
	}
	return names
}

// Pool returns the node pool of that name.
func (t TKC) Pool(name string) (Pool, bool) {
	for _, p := range t.NodePools {
		if p.Name == name {
			return p, true
		}
	}
	return Pool{}, false
}

// PoolTKR is the TKR a node pool runs: its own, else the control plane's.
func (t TKC) PoolTKR(p Pool) string {
	if p.TKR != "" {
		return p.TKR
	}
	return t.ControlPlane.TKR
}

// VMClasses lists the distinct VM classes, the control plane's first.
func (t TKC) VMClasses() []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range append([]Pool{t.ControlPlane}, t.NodePools...) {
		if p.VMClass != "" && !seen[p.VMClass] {
			seen[p.VMClass] = true
			out = append(out, p.VMClass)
		}
	}
	return out
}

func poolFrom(m map[string]any) Pool {
	p := Pool{}
	p.Name, _ = m["name"].(string)
	if n, ok := capi.Int64At(m, "replicas"); ok {
		p.Replicas = &n
	}
	p.VMClass, _ = m["vmClass"].(string)
	p.StorageClass, _ = m["storageClass"].(string)
	p.TKR, _, _ = unstructured.NestedString(m, "tkr", "reference", "name")
	p.FailureDomain, _ = m["failureDomain"].(string)
	if labels, ok, _ := unstructured.NestedStringMap(m, "labels"); ok {
		p.Labels = labels
	}
	taints, _ := m["taints"].([]any)
	for _, item := range taints {
		tm, ok := item.(map[string]any)
		if !ok {
			continue
		}
		var t Taint
		t.Key, _ = tm["key"].(string)
		t.Value, _ = tm["value"].(string)
		t.Effect, _ = tm["effect"].(string)
		p.Taints = append(p.Taints, t)
	}
	return p
}

func nodePools(u *unstructured.Unstructured) []any {
	pools, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "nodePools")
	return pools
}

func setNodePools(u *unstructured.Unstructured, pools []any) error {
	return unstructured.SetNestedSlice(u.Object, pools, "spec", "topology", "nodePools")
}

// poolMap finds a node pool's map in the list; nil when there is none.
func poolMap(pools []any, name string) map[string]any {
	for _, item := range pools {
		if m, ok := item.(map[string]any); ok && m["name"] == name {
			return m
		}
	}
	return nil
}

func poolNotFound(u *unstructured.Unstructured, name string) error {
	return &errs.NotFoundError{Kind: "node pool", Name: name,
		Hint: fmt.Sprintf("TanzuKubernetesCluster %s has %s", u.GetName(), errs.OrNone(FromUnstructured(u).PoolNames()))}
}

// SetControlPlaneReplicas sets the control plane's machine count: 1, 3 or 5.
func SetControlPlaneReplicas(u *unstructured.Unstructured, n int64) error {
	if err := CheckControlPlaneReplicas(n); err != nil {
		return err
	}
	return unstructured.SetNestedField(u.Object, n, "spec", "topology", "controlPlane", "replicas")
}

// SetPoolReplicas sets the machine count of a node pool; pool "" means
// the only pool, and is refused when there are several.
func SetPoolReplicas(u *unstructured.Unstructured, pool string, n int64) error {
	if n < 0 {
		return &capi.NegativeReplicasError{Count: n}
	}
	pools := nodePools(u)
	if pool == "" {
		names := FromUnstructured(u).PoolNames()
		if len(names) != 1 {
			return &capi.PoolRequiredError{Cluster: u.GetName(), Pools: names}
		}
		pool = names[0]
	}
	m := poolMap(pools, pool)
	if m == nil {
		return poolNotFound(u, pool)
	}
	m["replicas"] = n
	return setNodePools(u, pools)
}

// SetPool adds a node pool or changes one: only the fields set in p are
// written. A new pool takes what it lacks (VM class, storage class) from
// the first pool, as a new pool of the same cluster most often wants, and
// one replica; its TKR follows the control plane.
func SetPool(u *unstructured.Unstructured, p Pool) error {
	if err := CheckPoolName(p.Name); err != nil {
		return err
	}
	if p.Replicas != nil && *p.Replicas < 0 {
		return &capi.NegativeReplicasError{Count: *p.Replicas}
	}
	pools := nodePools(u)
	target := poolMap(pools, p.Name)
	if target == nil {
		target = map[string]any{"name": p.Name}
		if first := FromUnstructured(u).NodePools; len(first) > 0 {
			target["vmClass"], target["storageClass"] = first[0].VMClass, first[0].StorageClass
		}
		if p.Replicas == nil {
			target["replicas"] = int64(1)
		}
		pools = append(pools, target)
	}
	if p.Replicas != nil {
		target["replicas"] = *p.Replicas
	}
	if p.VMClass != "" {
		target["vmClass"] = p.VMClass
	}
	if p.StorageClass != "" {
		target["storageClass"] = p.StorageClass
	}
	if p.FailureDomain != "" {
		target["failureDomain"] = p.FailureDomain
	}
	for _, field := range []string{"vmClass", "storageClass"} {
		if s, _ := target[field].(string); s == "" {
			delete(target, field)
		}
	}
	if _, ok := target["vmClass"]; !ok {
		return &PoolFieldRequiredError{Pool: p.Name, Field: "vmClass"}
	}
	if len(p.Labels) > 0 {
		labels, _ := target["labels"].(map[string]any)
		if labels == nil {
			labels = map[string]any{}
		}
		for k, v := range p.Labels {
			labels[k] = v
		}
		target["labels"] = labels
	}
	for _, t := range p.Taints {
		taints, _ := target["taints"].([]any)
		target["taints"] = append(taints, map[string]any{"key": t.Key, "value": t.Value, "effect": t.Effect})
	}
	return setNodePools(u, pools)
}

// DeletePool removes a node pool. The last one stays, as for Clusters:
// scale it to 0 instead.
func DeletePool(u *unstructured.Unstructured, name string) error {
	pools := nodePools(u)
	kept := make([]any, 0, len(pools))
	for _, item := range pools {
		if m, ok := item.(map[string]any); !ok || m["name"] != name {
			kept = append(kept, item)
		}
	}
	switch {
	case len(kept) == len(pools):
		return poolNotFound(u, name)
	case len(kept) == 0:
		return &LastPoolError{Cluster: u.GetName(), Pool: name}
	}
	return setNodePools(u, kept)
}

// SetTKR moves the cluster to a TanzuKubernetesRelease: the control plane's
// reference, then each node pool's that names one (a pool without one
// follows the control plane). The Supervisor upgrades the control plane
// first and the pools after it from this one change. A v1alpha2
// spec.distribution that pins a version is moved along, or it would
// contradict the reference.
func SetTKR(u *unstructured.Unstructured, tkrName, fullVersion string) error {
	if err := unstructured.SetNestedField(u.Object, tkrName, "spec", "topology", "controlPlane", "tkr", "reference", "name"); err != nil {
		return err
	}
	pools := nodePools(u)
	for _, item := range pools {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		if name, _, _ := unstructured.NestedString(m, "tkr", "reference", "name"); name != "" {
			if err := unstructured.SetNestedField(m, tkrName, "tkr", "reference", "name"); err != nil {
				return err
			}
		}
	}
	if len(pools) > 0 {
		if err := setNodePools(u, pools); err != nil {
			return err
		}
	}
	if fullVersion == "" {
		return nil
	}
	for _, field := range []string{"fullVersion", "version"} {
		if v, _, _ := unstructured.NestedString(u.Object, "spec", "distribution", field); v != "" {
			if err := unstructured.SetNestedField(u.Object, fullVersion, "spec", "distribution", field); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckControlPlaneReplicas refuses control planes a TanzuKubernetesCluster
// does not take.
func CheckControlPlaneReplicas(n int64) error {
	if n != 1 && n != 3 && n != 5 {
		return &ControlPlaneReplicasError{Count: n}
	}
	return nil
}

// CheckPoolName refuses a pool name that is not a DNS label: the
// Supervisor names machines after it.
func CheckPoolName(name string) error {
	if name == "" || len(name) > 63 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
		strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		return &PoolNameError{Name: name}
	}
	return nil
}
