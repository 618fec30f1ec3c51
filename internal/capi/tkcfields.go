package capi

import (
	"encoding/json"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// TKCFields is the part of a TanzuKubernetesCluster (v1alpha2 or v1alpha3)
// that the cluster view reads: a fleet table decodes each list straight
// into it, skipping managedFields and the rest of the spec, as ClusterFields
// does for Clusters.
type TKCFields struct {
	Metadata struct {
		Namespace         string       `json:"namespace"`
		Name              string       `json:"name"`
		CreationTimestamp metav1.Time  `json:"creationTimestamp"`
		DeletionTimestamp *metav1.Time `json:"deletionTimestamp"`
	} `json:"metadata"`
	Spec struct {
		Distribution struct {
			FullVersion string `json:"fullVersion"`
		} `json:"distribution"`
		Topology struct {
			ControlPlane tkcPoolFields   `json:"controlPlane"`
			NodePools    []tkcPoolFields `json:"nodePools"`
		} `json:"topology"`
	} `json:"spec"`
	Status struct {
		Phase      string           `json:"phase"`
		Version    string           `json:"version"`
		Conditions []wait.Condition `json:"conditions"`
	} `json:"status"`
}

type tkcPoolFields struct {
	Replicas *int64 `json:"replicas"`
	VMClass  string `json:"vmClass"`
	TKR      struct {
		Reference struct {
			Name string `json:"name"`
		} `json:"reference"`
	} `json:"tkr"`
}

// FromTKC maps a TanzuKubernetesCluster onto the cluster view; counts of
// ready machines are not reported by it.
func FromTKC(u *unstructured.Unstructured) Cluster {
	var f TKCFields
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &f); err != nil {
		// A value of an unexpected type in an object built in code or read
		// from a file: read what JSON decoding can.
		f = TKCFields{}
		if raw, err := u.MarshalJSON(); err == nil {
			_ = json.Unmarshal(raw, &f)
		}
	}
	return f.View()
}

// View maps the fields onto the cluster view.
func (f *TKCFields) View() Cluster {
	meta, top := &f.Metadata, &f.Spec.Topology
	c := Cluster{
		Namespace: meta.Namespace, Name: meta.Name, Class: TKC, Role: "workload",
		Created: meta.CreationTimestamp.Time, Deleting: meta.DeletionTimestamp != nil,
		Phase: f.Status.Phase, Version: f.Status.Version, TKR: top.ControlPlane.TKR.Reference.Name,
		Conditions: f.Status.Conditions,
	}
	if c.Version == "" {
		c.Version = f.Spec.Distribution.FullVersion
	}
	if r := top.ControlPlane.Replicas; r != nil {
		c.ControlPlane.Desired = *r
	}
	addClass := func(class string) {
		if class != "" && !slices.Contains(c.VMClasses, class) {
			c.VMClasses = append(c.VMClasses, class)
		}
	}
	addClass(top.ControlPlane.VMClass)
	for _, p := range top.NodePools {
		if p.Replicas != nil {
			c.Workers.Desired += *p.Replicas
		}
		addClass(p.VMClass)
	}
	if c.Conditions == nil {
		c.Conditions = []wait.Condition{}
	}
	ready, hasReady := wait.Find(c.Conditions, "Ready")
	switch {
	case c.Deleting || c.Phase == "deleting":
		c.Status = StatusDeleting
	case c.Phase == "failed":
		c.Status, c.Message = StatusFailed, firstFalse(c.Conditions)
	case hasReady && ready.Status == "True":
		c.Status = StatusAvailable
	case c.Phase == "running":
		c.Status, c.Message = StatusDegraded, pickMessage(ready, c.Conditions)
	default:
		c.Status, c.Message = StatusProvisioning, pickMessage(ready, c.Conditions)
	}
	return c
}
