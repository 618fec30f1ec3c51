// Package audit checks workload clusters against the TKO reference design.
// Every rule lives in this file with its rationale; docs/audit-rules.md is
// generated from them. It has no command-line code in it.
package audit

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Status of one check.
const (
	Pass = "PASS"
	Warn = "WARN"
	Fail = "FAIL"
	Skip = "SKIP"
)

// Input is what the rules look at for one cluster.
type Input struct {
	Cluster *unstructured.Unstructured
	View    capi.Cluster
	Tree    *capi.Tree
	TKRs    []capi.TKR
	// TKRsServed is false when the management cluster has no TKRs.
	TKRsServed bool
	// Workload is what was read from the workload cluster itself; nil
	// with WorkloadErr set when it could not be reached.
	Workload    *Workload
	WorkloadErr error
	Now         time.Time
}

// Workload is state read inside the workload cluster.
type Workload struct {
	PinnipedServed  bool
	Authenticators  []*unstructured.Unstructured // JWT and webhook authenticators
	PackagesServed  bool
	PackageInstalls []*unstructured.Unstructured
}

// Result is the outcome of one rule on one cluster.
type Result struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Severity string `json:"severity"`
	Status   string `json:"status"`
	Reason   string `json:"reason"`
}

// Rule is one check of the reference design.
type Rule struct {
	ID        string
	Title     string
	Severity  string // critical, high, medium, low
	Rationale string
	Check     func(in Input) (status, reason string)
}

// SharedServices are the packages the reference design installs on every
// workload cluster, by package name prefix.
var SharedServices = []string{"cert-manager", "contour", "fluent-bit", "prometheus", "grafana"}

// Rules is the reference design as checks, in report order.
var Rules = []Rule{
	{
		ID: "TKO-CP-001", Title: "Control plane is highly available", Severity: "high",
		Rationale: "Production clusters run 3 (or 5) control-plane nodes so etcd keeps quorum when one fails; an even count adds no tolerance and a single node is a single point of failure (the prod plan).",
		Check:     checkControlPlane,
	},
	{
		ID: "TKO-MHC-001", Title: "MachineHealthChecks cover control plane and workers", Severity: "medium",
		Rationale: "Cluster API replaces machines whose nodes stay NotReady only where a MachineHealthCheck selects them; the reference design enables them for both the control plane and every node pool.",
		Check:     checkHealthChecks,
	},
	{
		ID: "TKO-CNI-001", Title: "CNI is Antrea", Severity: "medium",
		Rationale: "The reference design uses Antrea, the CNI VMware supports and tests with TKG, including its NetworkPolicy and NSX integration.",
		Check:     checkCNI,
	},
	{
		ID: "TKO-HA-001", Title: "Control-plane endpoint is load balanced", Severity: "high",
		Rationale: "The API endpoint must survive the loss of a control-plane node: NSX Advanced Load Balancer (AVI_CONTROL_PLANE_HA_PROVIDER) is the reference choice; a set VSPHERE_CONTROL_PLANE_ENDPOINT served by kube-vip is accepted.",
		Check:     checkEndpoint,
	},
	{
		ID: "TKO-AUDIT-001", Title: "API server audit logging is enabled", Severity: "medium",
		Rationale: "Audit logs (ENABLE_AUDIT_LOGGING) are the record of who changed what; the reference design ships them to the logging stack with Fluent Bit.",
		Check:     checkAuditLogging,
	},
	{
		ID: "TKO-IDM-001", Title: "Identity management is configured", Severity: "high",
		Rationale: "Users log in through Pinniped (OIDC or LDAP) so access is personal, revocable and audited; admin kubeconfigs are for break-glass only. A Pinniped authenticator must exist on the cluster and be Ready.",
		Check:     checkIdentity,
	},
	{
		ID: "TKO-PKG-001", Title: "Shared-services packages are installed and reconciled", Severity: "medium",
		Rationale: "Every workload cluster runs cert-manager, Contour, Fluent Bit, Prometheus and Grafana as kapp-controller packages, and each must be ReconcileSucceeded: a failed package is a missing service.",
		Check:     checkPackages,
	},
	{
		ID: "TKO-VER-001", Title: "Kubernetes version is within the supported window", Severity: "high",
		Rationale: "TKG supports the three newest Kubernetes minor versions it ships (N, N-1, N-2). A cluster two minors behind the newest TanzuKubernetesRelease must be upgraded soon; further behind, it is unsupported.",
		Check:     checkVersion,
	},
	{
		ID: "TKO-CERT-001", Title: "Control-plane certificate rotation is active", Severity: "medium",
		Rationale: "Kubernetes control-plane certificates expire after a year; TKG renews them automatically when controlPlaneCertificateRotation is active, avoiding an outage on expiry.",
		Check:     checkCertRotation,
	},
	{
		ID: "TKO-STATE-001", Title: "Cluster is reconciled: not paused, not stuck deleting", Severity: "high",
		Rationale: "A paused cluster is not reconciled by Cluster API (no remediation, no upgrades); a deletion that has not finished after 30 minutes is stuck, usually on a finalizer or an unreachable infrastructure provider.",
		Check:     checkState,
	},
}

// Run applies every rule to one cluster.
func Run(in Input) []Result {
	out := make([]Result, 0, len(Rules))
	for _, r := range Rules {
		status, reason := r.Check(in)
		out = append(out, Result{ID: r.ID, Title: r.Title, Severity: r.Severity, Status: status, Reason: reason})
	}
	return out
}

func checkControlPlane(in Input) (string, string) {
	n := in.View.ControlPlane.Desired
	switch {
	case n >= 3 && n%2 == 1:
		return Pass, fmt.Sprintf("%d control-plane nodes", n)
	case n == 0:
		return Skip, "the cluster declares no control-plane replica count (not class-based)"
	case n%2 == 0:
		return Fail, fmt.Sprintf("%d control-plane nodes: an even count; use 3 or 5", n)
	case in.View.Plan == "dev":
		return Warn, "1 control-plane node (dev plan): not highly available; use the prod plan for production"
	}
	return Fail, "1 control-plane node: scale to 3 (kubectl tko cluster scale " + in.View.Name + " --controlplane 3)"
}

func checkHealthChecks(in Input) (string, string) {
	cp, workers := false, false
	covered := map[string]bool{}
	for _, n := range in.Tree.MachineHealthChecks {
		if n.Selects == "control-plane" {
			cp = true
			continue
		}
		workers = true
		for _, p := range n.Pools {
			covered[p] = true
		}
	}
	if topologyHealthCheck(in.Cluster.Object, "spec", "topology", "controlPlane") {
		cp = true
	}
	// A pool whose topology enables its check is covered: Cluster API creates the check.
	pools := poolsOf(in)
	var unchecked []string
	for _, p := range pools {
		switch {
		case topologyHealthCheck(p.spec):
			workers = true
		case !covered[p.name]:
			unchecked = append(unchecked, p.name)
		}
	}
	fix := "kubectl tko cluster mhc set " + in.View.Name
	switch {
	case !cp && !workers:
		return Fail, "no MachineHealthCheck: failed machines are never replaced; " + fix
	case !cp:
		return Warn, "only the workers are health-checked: " + fix
	case len(unchecked) > 0:
		return Warn, fmt.Sprintf("node pool(s) %s not health-checked: %s --node-pool %s", strings.Join(unchecked, ", "), fix, unchecked[0])
	case !workers:
		return Warn, "only the control plane is health-checked: " + fix + " --node-pool POOL"
	}
	return Pass, "MachineHealthChecks cover the control plane and every node pool"
}

// pool is a node pool and its topology entry (nil when not class-based).
type pool struct {
	name string
	spec map[string]any
}

// poolsOf lists the cluster's node pools: its topology's, else one per
// MachineDeployment of the tree.
func poolsOf(in Input) []pool {
	var out []pool
	mds, _, _ := unstructured.NestedSlice(in.Cluster.Object, "spec", "topology", "workers", "machineDeployments")
	for _, item := range mds {
		if m, ok := item.(map[string]any); ok {
			name, _ := m["name"].(string)
			out = append(out, pool{name: name, spec: m})
		}
	}
	if len(out) > 0 || in.Tree.Root == nil {
		return out
	}
	for _, n := range in.Tree.Root.Children {
		if n.Kind != "Workers" {
			continue
		}
		for _, md := range n.Children {
			out = append(out, pool{name: md.Name})
		}
	}
	return out
}

// topologyHealthCheck reports whether a topology entry enables its managed
// check (v1beta2 healthCheck.enabled, v1beta1 machineHealthCheck.enable).
func topologyHealthCheck(obj map[string]any, path ...string) bool {
	if obj == nil {
		return false
	}
	if hc, ok, _ := unstructured.NestedMap(obj, append(path, "healthCheck")...); ok && hc["enabled"] == true {
		return true
	}
	hc, ok, _ := unstructured.NestedMap(obj, append(path, "machineHealthCheck")...)
	return ok && hc["enable"] == true
}

func checkCNI(in Input) (string, string) {
	v, ok := capi.TopologyVariable(in.Cluster, "cni")
	if !ok {
		return Pass, "antrea (the class default)"
	}
	if v == "antrea" {
		return Pass, "antrea"
	}
	return Fail, fmt.Sprintf("CNI is %v, not antrea", v)
}

func checkEndpoint(in Input) (string, string) {
	switch capi.EndpointProvider(in.Cluster) {
	case capi.EndpointNSXALB:
		return Pass, "NSX Advanced Load Balancer provides the control-plane endpoint"
	case capi.EndpointKubeVIP:
		v, _ := capi.TopologyVariable(in.Cluster, "apiServerEndpoint")
		return Pass, fmt.Sprintf("kube-vip endpoint %v", v)
	}
	if in.View.Endpoint != "" {
		return Warn, "endpoint " + in.View.Endpoint + " is set but neither NSX ALB nor kube-vip is configured for it"
	}
	return Fail, "no control-plane endpoint HA: set AVI_CONTROL_PLANE_HA_PROVIDER or VSPHERE_CONTROL_PLANE_ENDPOINT"
}

func checkAuditLogging(in Input) (string, string) {
	v, _ := capi.TopologyVariable(in.Cluster, "auditLogging")
	if m, ok := v.(map[string]any); ok && m["enabled"] == true {
		return Pass, "auditLogging.enabled is true"
	}
	return Fail, "audit logging is off: set ENABLE_AUDIT_LOGGING: true (variable auditLogging)"
}

func workloadSkip(in Input) (string, string, bool) {
	if in.Workload != nil {
		return "", "", false
	}
	reason := "the workload cluster was not checked"
	var notFound *errs.NotFoundError
	switch {
	case errors.As(in.WorkloadErr, &notFound):
		reason = "no admin kubeconfig Secret yet: the control plane is not up"
	case in.WorkloadErr != nil:
		msg, _ := explain.Explain(in.WorkloadErr)
		reason = "cannot reach the workload cluster: " + msg
	}
	return Skip, reason, true
}

func checkIdentity(in Input) (string, string) {
	if s, r, skip := workloadSkip(in); skip {
		return s, r
	}
	if !in.Workload.PinnipedServed {
		return Fail, "Pinniped is not installed on the cluster (no authentication.concierge.pinniped.dev)"
	}
	if len(in.Workload.Authenticators) == 0 {
		return Fail, "no Pinniped JWTAuthenticator or WebhookAuthenticator: users cannot log in with their identity"
	}
	for _, a := range in.Workload.Authenticators {
		if c, ok := wait.Find(wait.Conditions(a), "Ready"); ok && c.Status == "True" {
			return Pass, fmt.Sprintf("%s %s is Ready", a.GetKind(), a.GetName())
		}
		if phase, _, _ := unstructured.NestedString(a.Object, "status", "phase"); phase == "Ready" {
			return Pass, fmt.Sprintf("%s %s is Ready", a.GetKind(), a.GetName())
		}
	}
	return Fail, fmt.Sprintf("%s %s is not Ready", in.Workload.Authenticators[0].GetKind(), in.Workload.Authenticators[0].GetName())
}

func checkPackages(in Input) (string, string) {
	if s, r, skip := workloadSkip(in); skip {
		return s, r
	}
	if !in.Workload.PackagesServed {
		return Fail, "kapp-controller is not installed (no packaging.carvel.dev): no package can be installed"
	}
	var missing, failing []string
	for _, want := range SharedServices {
		var found *unstructured.Unstructured
		for _, pi := range in.Workload.PackageInstalls {
			ref, _, _ := unstructured.NestedString(pi.Object, "spec", "packageRef", "refName")
			if strings.HasPrefix(ref, want+".") {
				found = pi
				break
			}
		}
		if found == nil {
			missing = append(missing, want)
			continue
		}
		if c, ok := wait.Find(wait.Conditions(found), "ReconcileSucceeded"); !ok || c.Status != "True" {
			failing = append(failing, found.GetNamespace()+"/"+found.GetName())
		}
	}
	sort.Strings(missing)
	switch {
	case len(missing) == 0 && len(failing) == 0:
		return Pass, "all shared services are ReconcileSucceeded"
	case len(missing) > 0 && len(failing) > 0:
		return Fail, fmt.Sprintf("missing: %s; not reconciled: %s", strings.Join(missing, ", "), strings.Join(failing, ", "))
	case len(missing) > 0:
		return Fail, "missing: " + strings.Join(missing, ", ")
	}
	return Fail, "not reconciled: " + strings.Join(failing, ", ")
}

func checkVersion(in Input) (string, string) {
	if !in.TKRsServed || len(in.TKRs) == 0 {
		return Skip, "this management cluster serves no TanzuKubernetesReleases to compare with"
	}
	current, err := capi.ParseVersion(in.View.Version)
	if err != nil {
		return Skip, err.Error()
	}
	newest := in.TKRs[len(in.TKRs)-1]
	latest, err := capi.ParseVersion(newest.Kubernetes)
	if err != nil {
		return Skip, err.Error()
	}
	behind := int64(latest.Minor()) - int64(current.Minor()) + 12*(int64(latest.Major())-int64(current.Major()))
	switch {
	case behind <= 1:
		return Pass, fmt.Sprintf("%s is within one minor of the newest TKR %s", in.View.Version, newest.Kubernetes)
	case behind == 2:
		return Warn, fmt.Sprintf("%s is two minors behind %s: the oldest supported; plan the upgrade", in.View.Version, newest.Kubernetes)
	}
	return Fail, fmt.Sprintf("%s is %d minors behind %s: outside the supported window", in.View.Version, behind, newest.Kubernetes)
}

func checkCertRotation(in Input) (string, string) {
	v, ok := capi.TopologyVariable(in.Cluster, "controlPlaneCertificateRotation")
	if !ok {
		return Pass, "active (the class default)"
	}
	if m, ok := v.(map[string]any); ok && m["activate"] == false {
		return Fail, "controlPlaneCertificateRotation.activate is false: certificates will expire"
	}
	return Pass, "active"
}

func checkState(in Input) (string, string) {
	switch {
	case in.View.Paused:
		return Fail, "spec.paused is true: Cluster API does not reconcile it"
	case in.View.Deleting:
		since := in.Cluster.GetDeletionTimestamp().Time
		if in.Now.Sub(since) > 30*time.Minute {
			return Fail, fmt.Sprintf("deleting for %s: stuck (finalizers %v)", in.Now.Sub(since).Round(time.Minute), in.Cluster.GetFinalizers())
		}
		return Warn, "being deleted"
	}
	return Pass, "reconciled"
}
