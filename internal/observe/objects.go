package observe

import (
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The fields of nodes, pods, workloads, claims and events that health and
// capacity read, decoded straight from the API server's JSON: the full
// k8s.io/api types would cost megabytes of generated code and decode time
// for fields nobody reads. Names follow k8s.io/api, so the code reads the same.

// Meta is exported so that one-pass decoding (kube.ListOnePass) fills it:
// json-iterator leaves an embedded unexported struct with a JSON name empty.
type Meta struct {
	Name      string `json:"name"`
	Namespace string `json:"namespace"`
}

type condition struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// resourceList is a ResourceList: cpu, memory and the rest by name.
type resourceList map[string]resource.Quantity

func (l resourceList) Cpu() *resource.Quantity    { q := l["cpu"]; return &q }
func (l resourceList) Memory() *resource.Quantity { q := l["memory"]; return &q }

type node struct {
	Meta `json:"metadata"`
	Spec struct {
		Unschedulable bool `json:"unschedulable"`
	} `json:"spec"`
	Status struct {
		Conditions  []condition  `json:"conditions"`
		Allocatable resourceList `json:"allocatable"`
	} `json:"status"`
}

type container struct {
	Name      string `json:"name"`
	Resources struct {
		Requests resourceList `json:"requests"`
		Limits   resourceList `json:"limits"`
	} `json:"resources"`
}

type containerStatus struct {
	Name         string `json:"name"`
	RestartCount int32  `json:"restartCount"`
	State        struct {
		Waiting *struct {
			Reason  string `json:"reason"`
			Message string `json:"message"`
		} `json:"waiting"`
	} `json:"state"`
	LastTerminationState struct {
		Terminated *struct {
			Reason   string `json:"reason"`
			ExitCode int32  `json:"exitCode"`
		} `json:"terminated"`
	} `json:"lastState"`
}

type pod struct {
	Meta `json:"metadata"`
	Spec struct {
		NodeName       string       `json:"nodeName"`
		Containers     []container  `json:"containers"`
		InitContainers []container  `json:"initContainers"`
		Overhead       resourceList `json:"overhead"`
	} `json:"spec"`
	Status struct {
		Phase                 string            `json:"phase"`
		Reason                string            `json:"reason"`
		Message               string            `json:"message"`
		Conditions            []condition       `json:"conditions"`
		ContainerStatuses     []containerStatus `json:"containerStatuses"`
		InitContainerStatuses []containerStatus `json:"initContainerStatuses"`
	} `json:"status"`
}

// workload is a Deployment, StatefulSet or DaemonSet.
type workload struct {
	Meta `json:"metadata"`
	Spec struct {
		Replicas *int32 `json:"replicas"`
	} `json:"spec"`
	Status struct {
		AvailableReplicas      int32 `json:"availableReplicas"`
		ReadyReplicas          int32 `json:"readyReplicas"`
		DesiredNumberScheduled int32 `json:"desiredNumberScheduled"`
		NumberReady            int32 `json:"numberReady"`
	} `json:"status"`
}

type claim struct {
	Meta `json:"metadata"`
	Spec struct {
		StorageClassName *string `json:"storageClassName"`
	} `json:"spec"`
	Status struct {
		Phase string `json:"phase"`
	} `json:"status"`
}

type event struct {
	Reason         string `json:"reason"`
	Message        string `json:"message"`
	Count          int32  `json:"count"`
	InvolvedObject struct {
		Kind      string `json:"kind"`
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
	} `json:"involvedObject"`
	FirstTimestamp metav1.Time      `json:"firstTimestamp"`
	LastTimestamp  metav1.Time      `json:"lastTimestamp"`
	EventTime      metav1.MicroTime `json:"eventTime"`
}
