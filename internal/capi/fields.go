package capi

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// ClusterFields is the part of a Cluster object, in either API version,
// that the view reads. Lists decode straight into it, so what a row does not
// need (managedFields above all) is skipped instead of built into maps.
type ClusterFields struct {
	APIVersion string `json:"apiVersion"`
	Metadata   struct {
		Namespace         string            `json:"namespace"`
		Name              string            `json:"name"`
		CreationTimestamp metav1.Time       `json:"creationTimestamp"`
		DeletionTimestamp *metav1.Time      `json:"deletionTimestamp"`
		Labels            map[string]string `json:"labels"`
		Annotations       map[string]string `json:"annotations"`
	} `json:"metadata"`
	Spec struct {
		Paused               bool `json:"paused"`
		ControlPlaneEndpoint struct {
			Host string `json:"host"`
			Port int64  `json:"port"`
		} `json:"controlPlaneEndpoint"`
		Topology struct {
			ClassRef struct {
				Name string `json:"name"`
			} `json:"classRef"`
			Class        string `json:"class"` // v1beta1
			Version      string `json:"version"`
			ControlPlane struct {
				Replicas *int64 `json:"replicas"`
			} `json:"controlPlane"`
			Workers struct {
				MachineDeployments []MachineDeployment `json:"machineDeployments"`
			} `json:"workers"`
		} `json:"topology"`
	} `json:"spec"`
	Status struct {
		clusterStatus
		FailureMessage string `json:"failureMessage"` // v1beta1
		Deprecated     struct {
			V1Beta1 struct {
				FailureMessage string `json:"failureMessage"`
			} `json:"v1beta1"`
		} `json:"deprecated"` // v1beta2
		// V1Beta2 is where v1beta1 objects of Cluster API 1.9+ carry the new shape.
		V1Beta2 *clusterStatus `json:"v1beta2"`
	} `json:"status"`
}

// clusterStatus is the status shape of v1beta2.
type clusterStatus struct {
	Phase        string           `json:"phase"`
	ControlPlane *replicaCounts   `json:"controlPlane"`
	Workers      *replicaCounts   `json:"workers"`
	Conditions   []wait.Condition `json:"conditions"`
}

type replicaCounts struct {
	DesiredReplicas   *int64 `json:"desiredReplicas"`
	Replicas          int64  `json:"replicas"`
	ReadyReplicas     int64  `json:"readyReplicas"`
	AvailableReplicas int64  `json:"availableReplicas"`
	UpToDateReplicas  int64  `json:"upToDateReplicas"`
}

// IsManagement reports whether a Cluster is a management cluster, as its
// view's Role says, without building the view.
func IsManagement(u *unstructured.Unstructured) bool {
	_, ok := u.GetLabels()[LabelRole]
	return ok
}

// FromUnstructured maps a Cluster of either version onto the view. The
// fields are read from the maps directly (managedFields are never walked).
func FromUnstructured(u *unstructured.Unstructured) Cluster {
	var f ClusterFields
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &f); err != nil {
		// A value of an unexpected type, in an object built in code or read
		// from a file (the API server's schemas rule it out): read what JSON
		// decoding can.
		f = ClusterFields{}
		if raw, err := u.MarshalJSON(); err == nil {
			_ = json.Unmarshal(raw, &f)
		}
	}
	return f.View()
}

// View maps the fields onto the cluster view.
func (f *ClusterFields) View() Cluster {
	meta, spec := &f.Metadata, &f.Spec
	c := Cluster{
		Namespace: meta.Namespace,
		Name:      meta.Name,
		Created:   meta.CreationTimestamp.Time,
		Deleting:  meta.DeletionTimestamp != nil,
		TKR:       meta.Labels[LabelTKR],
		Plan:      meta.Annotations[AnnotationPlan],
		Role:      "workload",
		Class:     spec.Topology.ClassRef.Name,
		Version:   spec.Topology.Version,
		Phase:     f.Status.Phase,
		Paused:    spec.Paused,
		Pools:     spec.Topology.Workers.MachineDeployments,
	}
	if c.TKR == "" {
		c.TKR = meta.Labels[LabelTKRLegacy]
	}
	if _, ok := meta.Labels[LabelRole]; ok {
		c.Role = "management"
	}
	if c.Class == "" {
		c.Class = spec.Topology.Class
	}
	if host := spec.ControlPlaneEndpoint.Host; host != "" {
		c.Endpoint = host
		if port := spec.ControlPlaneEndpoint.Port; port != 0 {
			c.Endpoint = fmt.Sprintf("%s:%d", host, port)
		}
	}
	if r := spec.Topology.ControlPlane.Replicas; r != nil {
		c.ControlPlane.Desired = *r
	}
	for _, md := range c.Pools {
		if md.Replicas != nil {
			c.Workers.Desired += *md.Replicas
		}
	}
	v1beta1 := strings.HasSuffix(f.APIVersion, "/v1beta1")
	status := &f.Status.clusterStatus
	if v1beta1 {
		status = f.Status.V1Beta2
		if status == nil {
			status = &clusterStatus{}
		}
	}
	status.ControlPlane.readInto(&c.ControlPlane)
	status.Workers.readInto(&c.Workers)
	c.Conditions = status.Conditions
	if v1beta1 && len(c.Conditions) == 0 {
		c.Conditions = f.Status.Conditions
	}
	c.Status, c.Message = f.status(c, v1beta1)
	return c
}

func (r *replicaCounts) readInto(into *Replicas) {
	if r == nil {
		return
	}
	into.Known = true
	if r.DesiredReplicas != nil {
		into.Desired = *r.DesiredReplicas
	}
	into.Current, into.Ready, into.Available, into.UpToDate = r.Replicas, r.ReadyReplicas, r.AvailableReplicas, r.UpToDateReplicas
}

func (f *ClusterFields) status(c Cluster, v1beta1 bool) (string, string) {
	switch {
	case c.Deleting:
		return StatusDeleting, "deletion requested " + f.Metadata.DeletionTimestamp.UTC().Format(time.RFC3339)
	case c.Paused:
		return StatusPaused, "spec.paused is true: controllers do not reconcile it"
	}
	if msg := f.Status.FailureMessage; msg != "" {
		return StatusFailed, msg
	}
	if msg := f.Status.Deprecated.V1Beta1.FailureMessage; msg != "" {
		return StatusFailed, msg
	}
	if c.Phase == "Failed" {
		return StatusFailed, firstFalse(c.Conditions)
	}
	availableType := "Available"
	if v1beta1 && !hasType(c.Conditions, "Available") {
		availableType = "Ready"
	}
	if cond, ok := wait.Find(c.Conditions, availableType); ok {
		switch {
		case cond.Status == "True":
			return StatusAvailable, ""
		case c.Phase == "Provisioned":
			return StatusDegraded, pickMessage(cond, c.Conditions)
		default:
			return StatusProvisioning, pickMessage(cond, c.Conditions)
		}
	}
	switch c.Phase {
	case "Pending", "Provisioning", "":
		return StatusProvisioning, c.Phase
	}
	return StatusUnknown, "no " + availableType + " condition reported yet"
}
