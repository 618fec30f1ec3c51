// Package upgradeplan plans a fleet upgrade: for each workload cluster the
// chain of Kubernetes versions it must go through, every blocker found on
// the management cluster and on the workload cluster itself, and the waves
// the clusters that may move are upgraded in. The plan is a document that
// a later run reads back, so it names what it was made from.
package upgradeplan

import (
	"time"
)

// The plan document's type.
const (
	APIVersion = "tko.tanzu.vmware.com/v1alpha1"
	Kind       = "UpgradePlan"
)

// Kinds of planned clusters.
const (
	KindCluster = "Cluster"
	KindTKC     = "TanzuKubernetesCluster"
)

// Codes of findings: blockers keep a cluster out of every wave, warnings
// do not.
const (
	CodeTKRNotCompatible  = "TKRNotCompatible"
	CodeTKRNotReady       = "TKRNotReady"
	CodeNoPath            = "NoUpgradePath"
	CodeManagementTooOld  = "ManagementClusterTooOld"
	CodePackage           = "PackageIncompatible"
	CodeDeprecatedAPI     = "DeprecatedAPIRemoved"
	CodeDeprecatedUnknown = "DeprecatedAPIInUse"
	CodePDB               = "PodDisruptionBudgetBlocksDrain"
	CodeNotHealthy        = "ClusterNotHealthy"
	CodeHealthErrors      = "HealthErrors"
	CodeMachinesNotReady  = "MachinesNotReady"
	CodeNoHealthCheck     = "NodePoolWithoutHealthCheck"
	CodeNoBackup          = "NoRecentBackup"
	CodeNotProvisioned    = "NotProvisioned"
	CodeUnreachable       = "Unreachable"
	CodeNotRead           = "NotRead"
)

// Plan is the UpgradePlan document.
type Plan struct {
	APIVersion string      `json:"apiVersion"`
	Kind       string      `json:"kind"`
	Metadata   Metadata    `json:"metadata"`
	Spec       Spec        `json:"spec"`
	Management *Management `json:"managementCluster,omitempty"`
	Clusters   []Cluster   `json:"clusters"`
	Waves      []Wave      `json:"waves"`
}

// Metadata says when and against what the plan was made: a run refuses a
// plan whose clusters have changed since (their resourceVersion).
type Metadata struct {
	GeneratedAt time.Time `json:"generatedAt"`
	Server      string    `json:"server,omitempty"` // the management cluster's API server
}

// Spec is what was asked for.
type Spec struct {
	Target         string `json:"target,omitempty"` // --to, as given; "" for the next minor
	CanarySelector string `json:"canarySelector"`
	WaveSize       string `json:"waveSize"`
	BackupMaxAge   string `json:"backupMaxAge"`
}

// Management is the management cluster, never in a wave.
type Management struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Version   string `json:"version"`
	Note      string `json:"note"`
}

// ManagementNote is why the management cluster is in no wave.
const ManagementNote = "the management cluster is in no wave: it is upgraded by its own procedure (tanzu management-cluster upgrade), before any workload cluster goes past its version"

// Cluster is one workload cluster's plan.
type Cluster struct {
	Namespace       string    `json:"namespace"`
	Name            string    `json:"name"`
	Kind            string    `json:"kind"`
	ResourceVersion string    `json:"resourceVersion"`
	CurrentVersion  string    `json:"currentVersion"`
	CurrentTKR      string    `json:"currentTKR,omitempty"`
	Canary          bool      `json:"canary,omitempty"`
	Steps           []Step    `json:"steps"`
	Blockers        []Finding `json:"blockers"`
	Warnings        []Finding `json:"warnings,omitempty"`
	Wave            int       `json:"wave,omitempty"` // 0: in no wave
}

// Step is one upgrade of the chain, one minor version at a time.
type Step struct {
	TKR               string `json:"tkr,omitempty"`
	KubernetesVersion string `json:"kubernetesVersion"`
}

// Finding is a blocker or a warning: what, on which object, and the fix.
type Finding struct {
	Code   string `json:"code"`
	Object string `json:"object,omitempty"`
	Cause  string `json:"cause"`
	Fix    string `json:"fix"`
}

// Wave is a set of clusters upgraded together.
type Wave struct {
	Number   int      `json:"number"`
	Canary   bool     `json:"canary,omitempty"`
	Clusters []string `json:"clusters"` // namespace/name
}

// Key is the cluster's namespace/name.
func (c *Cluster) Key() string { return c.Namespace + "/" + c.Name }

// Blocked reports whether the cluster cannot be upgraded now.
func (c *Cluster) Blocked() bool { return len(c.Blockers) > 0 }

// Next is the first step, "" when the cluster has nowhere to go.
func (c *Cluster) Next() string {
	if len(c.Steps) == 0 {
		return ""
	}
	if c.Steps[0].TKR != "" {
		return c.Steps[0].TKR
	}
	return c.Steps[0].KubernetesVersion
}

// Final is the version the chain ends at, "" without steps.
func (c *Cluster) Final() string {
	if len(c.Steps) == 0 {
		return ""
	}
	return c.Steps[len(c.Steps)-1].KubernetesVersion
}

// Blocked lists the blocked clusters.
func (p *Plan) Blocked() []*Cluster {
	var out []*Cluster
	for i := range p.Clusters {
		if p.Clusters[i].Blocked() {
			out = append(out, &p.Clusters[i])
		}
	}
	return out
}

func (c *Cluster) block(f Finding) { c.Blockers = append(c.Blockers, f) }
func (c *Cluster) warn(f Finding)  { c.Warnings = append(c.Warnings, f) }
