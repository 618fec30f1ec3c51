// Package capi reads Cluster API objects in either served version
// (cluster.x-k8s.io v1beta1 on TKG 2.x, v1beta2 on Cluster API 1.11+) into
// one view. It has no command-line code in it.
package capi

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Group is the Cluster API core group.
const Group = "cluster.x-k8s.io"

// NotServedHint is what we tell users whose context is not a management cluster.
const NotServedHint = "is it a TKG management cluster? Point --context at the management cluster (kubectl config get-contexts)"

// API is the served version of the Cluster API core group.
type API struct {
	Version  string      // "v1beta2" or "v1beta1"
	Versions kube.Served // every served group → its versions, preferred first
}

// Resource returns the GVR of a core Cluster API resource in the served version.
func (a API) Resource(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: Group, Version: a.Version, Resource: resource}
}

// Clusters is the GVR of Cluster.
func (a API) Clusters() schema.GroupVersionResource { return a.Resource("clusters") }

// Requirement is what a command that reads Cluster API objects needs served.
var Requirement = kube.Requirement{Group: Group, Hint: NotServedHint}

// Discover finds the preferred served version of cluster.x-k8s.io.
func Discover(d *kube.Discovery) (API, error) {
	served, err := kube.Discover(d, Requirement)
	if err != nil {
		return API{}, err
	}
	return FromServed(served)
}

// FromServed picks the Cluster API version to read from the served groups.
func FromServed(served kube.Served) (API, error) {
	api := API{Versions: served}
	versions := served[Group]
	switch {
	case len(versions) == 0:
		return API{}, &errs.NotServedError{Group: Group, Hint: NotServedHint}
	case slices.Contains([]string{"v1beta2", "v1beta1"}, versions[0]):
		api.Version = versions[0]
	case slices.Contains(versions, "v1beta2"):
		api.Version = "v1beta2"
	case slices.Contains(versions, "v1beta1"):
		api.Version = "v1beta1"
	default:
		return API{}, errs.Invalidf("this cluster serves %s only in versions %v, which kubectl tko does not read: upgrade Cluster API to v1.5 or later", Group, versions)
	}
	return api, nil
}

// GroupResource returns the GVR of a resource in another group at its
// preferred served version, and whether the group is served at all.
func (a API) GroupResource(group, resource string) (schema.GroupVersionResource, bool) {
	versions := a.Versions[group]
	if len(versions) == 0 {
		return schema.GroupVersionResource{}, false
	}
	return schema.GroupVersionResource{Group: group, Version: versions[0], Resource: resource}, true
}

// Replicas counts machines of the control plane or the workers.
type Replicas struct {
	Desired   int64 `json:"desired"`
	Current   int64 `json:"current"`
	Ready     int64 `json:"ready"`
	Available int64 `json:"available"`
	UpToDate  int64 `json:"upToDate"`
	Known     bool  `json:"known"` // false when the served version does not report counts
}

// String renders "ready/desired", or "-/desired" when unknown.
func (r Replicas) String() string {
	if !r.Known {
		if r.Desired == 0 {
			return "-"
		}
		return fmt.Sprintf("-/%d", r.Desired)
	}
	return fmt.Sprintf("%d/%d", r.Ready, r.Desired)
}

// Cluster is the version-independent view of a Cluster.
type Cluster struct {
	Namespace    string              `json:"namespace"`
	Name         string              `json:"name"`
	Class        string              `json:"class,omitempty"`
	Version      string              `json:"version,omitempty"`
	ControlPlane Replicas            `json:"controlPlane"`
	Workers      Replicas            `json:"workers"`
	Phase        string              `json:"phase,omitempty"`
	Status       string              `json:"status"`
	Message      string              `json:"message,omitempty"`
	Endpoint     string              `json:"endpoint,omitempty"`
	TKR          string              `json:"tkr,omitempty"`
	Plan         string              `json:"plan,omitempty"`
	Role         string              `json:"role,omitempty"`
	Paused       bool                `json:"paused,omitempty"`
	Deleting     bool                `json:"deleting,omitempty"`
	Created      time.Time           `json:"created"`
	Conditions   []wait.Condition    `json:"conditions,omitempty"`
	Pools        []MachineDeployment `json:"nodePools,omitempty"`
	VMClasses    []string            `json:"vmClasses,omitempty"` // a TanzuKubernetesCluster's, control plane first
}

// MachineDeployment is a worker pool declared in the topology.
type MachineDeployment struct {
	Name          string `json:"name"`
	Class         string `json:"class"`
	Replicas      *int64 `json:"replicas,omitempty"`
	FailureDomain string `json:"failureDomain,omitempty"`
}

// Status values of Cluster.Status.
const (
	StatusAvailable    = "Available"
	StatusProvisioning = "Provisioning"
	StatusDegraded     = "Degraded"
	StatusFailed       = "Failed"
	StatusDeleting     = "Deleting"
	StatusPaused       = "Paused"
	StatusUnknown      = "Unknown"
)

// Labels TKG puts on workload clusters.
const (
	LabelTKR            = "run.tanzu.vmware.com/tkr"
	LabelTKRLegacy      = "tanzuKubernetesRelease"
	AnnotationPlan      = "tkg/plan"
	LabelRole           = "cluster-role.tkg.tanzu.vmware.com/management"
	LabelTKGClusterName = "tkg.tanzu.vmware.com/cluster-name"
)

func hasType(conds []wait.Condition, t string) bool {
	_, ok := wait.Find(conds, t)
	return ok
}

func pickMessage(c wait.Condition, all []wait.Condition) string {
	if c.Message != "" {
		return oneLine(c.Message)
	}
	if m := firstFalse(all); m != "" {
		return m
	}
	return c.Reason
}

func firstFalse(conds []wait.Condition) string {
	for _, c := range conds {
		if c.Status == "False" && c.Message != "" {
			return c.Type + ": " + oneLine(c.Message)
		}
	}
	return ""
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func str(obj map[string]any, path ...string) string {
	s, _, _ := unstructured.NestedString(obj, path...)
	return s
}

// Int64At reads a number whether it was decoded as int64 (API responses)
// or float64 (YAML and JSON files).
func Int64At(obj map[string]any, path ...string) (int64, bool) { return int64At(obj, path...) }

func int64At(obj map[string]any, path ...string) (int64, bool) {
	v, found, err := unstructured.NestedFieldNoCopy(obj, path...)
	if !found || err != nil {
		return 0, false
	}
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// Progress is a one-line state of a cluster for --wait progress and
// timeout messages.
func Progress(u *unstructured.Unstructured) string {
	c := FromUnstructured(u)
	s := fmt.Sprintf("%s: control plane %s ready, workers %s ready", c.Status, c.ControlPlane, c.Workers)
	if c.Message != "" {
		s += " (" + c.Message + ")"
	}
	return s
}

// AvailableCheck is the --wait condition for a cluster: Available (v1beta2)
// or Ready (v1beta1) True for the current generation; Failed ends the wait.
func AvailableCheck(u *unstructured.Unstructured) (bool, error) {
	if u == nil {
		return false, errors.New("the cluster was deleted while waiting for it")
	}
	c := FromUnstructured(u)
	switch c.Status {
	case StatusAvailable:
		return wait.Observed(u), nil
	case StatusFailed:
		return false, fmt.Errorf("cluster %s/%s failed: %s", c.Namespace, c.Name, c.Message)
	}
	return false, nil
}

// TopologyClass returns the ClusterClass name and namespace of a Cluster
// in either version (classRef in v1beta2, class/classNamespace in v1beta1).
func TopologyClass(u *unstructured.Unstructured) (name, namespace string) {
	name, _, _ = unstructured.NestedString(u.Object, "spec", "topology", "classRef", "name")
	namespace, _, _ = unstructured.NestedString(u.Object, "spec", "topology", "classRef", "namespace")
	if name == "" {
		name, _, _ = unstructured.NestedString(u.Object, "spec", "topology", "class")
		namespace, _, _ = unstructured.NestedString(u.Object, "spec", "topology", "classNamespace")
	}
	if namespace == "" {
		namespace = u.GetNamespace()
	}
	return name, namespace
}

// TKC is how TanzuKubernetesClusters (vSphere with Tanzu) are named in views.
const TKC = "TanzuKubernetesCluster"
