package capi

import (
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// EvenControlPlaneError refuses a control plane etcd cannot keep quorum on.
type EvenControlPlaneError struct{ Count int64 }

func (e *EvenControlPlaneError) Error() string {
	return fmt.Sprintf("%d control-plane machines: %s", e.Count, e.Advice())
}

// Advice says what to do instead.
func (e *EvenControlPlaneError) Advice() string {
	return "use an odd number (1, 3, 5) so etcd keeps quorum"
}

// Class implements errs.Classed.
func (e *EvenControlPlaneError) Class() errs.Class { return errs.ClassInvalid }

// NegativeReplicasError refuses a negative machine count.
type NegativeReplicasError struct{ Count int64 }

func (e *NegativeReplicasError) Error() string {
	return fmt.Sprintf("%d: a machine count cannot be negative", e.Count)
}

// Class implements errs.Classed.
func (e *NegativeReplicasError) Class() errs.Class { return errs.ClassInvalid }

// PoolRequiredError says a cluster has several node pools and one must be named.
type PoolRequiredError struct {
	Cluster string
	Pools   []string
}

func (e *PoolRequiredError) Error() string {
	return fmt.Sprintf("cluster %s has %d node pools (%s): name one", e.Cluster, len(e.Pools), strings.Join(e.Pools, ", "))
}

// Class implements errs.Classed.
func (e *PoolRequiredError) Class() errs.Class { return errs.ClassInvalid }

// PoolClassRequiredError says a new node pool needs a machine deployment class.
type PoolClassRequiredError struct{ Pool string }

func (e *PoolClassRequiredError) Error() string {
	return fmt.Sprintf("node pool %s is new and the cluster has no pool to copy a class from: name a class", e.Pool)
}

// Class implements errs.Classed.
func (e *PoolClassRequiredError) Class() errs.Class { return errs.ClassInvalid }

// NotClassBasedError says a cluster has no spec.topology to edit.
type NotClassBasedError struct{ Cluster string }

func (e *NotClassBasedError) Error() string {
	return fmt.Sprintf("cluster %s is not class-based (no spec.topology): scale its KubeadmControlPlane and MachineDeployments directly", e.Cluster)
}

// Class implements errs.Classed.
func (e *NotClassBasedError) Class() errs.Class { return errs.ClassInvalid }
