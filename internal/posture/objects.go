package posture

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// The core objects the checks read, decoded into the fields they read:
// k8s.io/api/core/v1 would be initialised at every start of the cluster
// and observe plugins (its generated documentation maps alone are about
// 100 kB of allocations) for a few fields of four kinds.

// Namespace is a Namespace's metadata (its labels).
type Namespace struct {
	metav1.ObjectMeta `json:"metadata"`
}

// NetworkPolicy is a NetworkPolicy's metadata (that one exists).
type NetworkPolicy struct {
	metav1.ObjectMeta `json:"metadata"`
}

// ServiceAccount is whether a ServiceAccount mounts its token.
type ServiceAccount struct {
	metav1.ObjectMeta            `json:"metadata"`
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty"`
}

// Pod is what the pod checks read of a Pod.
type Pod struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              PodSpec `json:"spec"`
	Status            struct {
		Phase string `json:"phase,omitempty"`
	} `json:"status"`
}

// PodSpec is what the pod checks read of a Pod's spec.
type PodSpec struct {
	InitContainers               []Container `json:"initContainers,omitempty"`
	Containers                   []Container `json:"containers"`
	Volumes                      []Volume    `json:"volumes,omitempty"`
	HostNetwork                  bool        `json:"hostNetwork,omitempty"`
	ServiceAccountName           string      `json:"serviceAccountName,omitempty"`
	AutomountServiceAccountToken *bool       `json:"automountServiceAccountToken,omitempty"`
}

// Container is a container's image, privilege and Secret references.
type Container struct {
	Name            string `json:"name"`
	Image           string `json:"image,omitempty"`
	SecurityContext *struct {
		Privileged *bool `json:"privileged,omitempty"`
	} `json:"securityContext,omitempty"`
	Env []struct {
		Name      string `json:"name"`
		ValueFrom *struct {
			SecretKeyRef *struct {
				Name string `json:"name"`
			} `json:"secretKeyRef,omitempty"`
		} `json:"valueFrom,omitempty"`
	} `json:"env,omitempty"`
	EnvFrom []struct {
		SecretRef *struct {
			Name string `json:"name"`
		} `json:"secretRef,omitempty"`
	} `json:"envFrom,omitempty"`
}

// Volume is a volume's name and host path, if it is one.
type Volume struct {
	Name     string `json:"name"`
	HostPath *struct {
		Path string `json:"path"`
	} `json:"hostPath,omitempty"`
}

// Pod phases the checks skip: the pod no longer runs.
const (
	podSucceeded = "Succeeded"
	podFailed    = "Failed"
)
