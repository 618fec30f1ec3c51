package tkc

import (
	"fmt"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// ControlPlaneReplicasError refuses a control plane size a
// TanzuKubernetesCluster does not take.
type ControlPlaneReplicasError struct{ Count int64 }

func (e *ControlPlaneReplicasError) Error() string {
	return fmt.Sprintf("%d control-plane machines: %s", e.Count, e.Advice())
}

// Advice says what to do instead.
func (e *ControlPlaneReplicasError) Advice() string {
	return "a TanzuKubernetesCluster's control plane has 1, 3 or 5 machines"
}

// Class implements errs.Classed.
func (e *ControlPlaneReplicasError) Class() errs.Class { return errs.ClassInvalid }

// PoolNameError refuses a node pool name that is not a DNS label.
type PoolNameError struct{ Name string }

func (e *PoolNameError) Error() string {
	return fmt.Sprintf("node pool name %q is not a DNS label: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit", e.Name)
}

// Class implements errs.Classed.
func (e *PoolNameError) Class() errs.Class { return errs.ClassInvalid }

// PoolFieldRequiredError says a new node pool lacks a field no other pool
// could lend it.
type PoolFieldRequiredError struct{ Pool, Field string }

func (e *PoolFieldRequiredError) Error() string {
	return fmt.Sprintf("node pool %s is new and the cluster has no pool to copy its %s from: name one", e.Pool, e.Field)
}

// Class implements errs.Classed.
func (e *PoolFieldRequiredError) Class() errs.Class { return errs.ClassInvalid }

// LastPoolError refuses to remove a cluster's only node pool.
type LastPoolError struct{ Cluster, Pool string }

func (e *LastPoolError) Error() string {
	return fmt.Sprintf("node pool %s is the last one of TanzuKubernetesCluster %s: a cluster needs at least one; scale it to 0 instead", e.Pool, e.Cluster)
}

// Class implements errs.Classed.
func (e *LastPoolError) Class() errs.Class { return errs.ClassInvalid }
