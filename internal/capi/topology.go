package capi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
)

// These edit a Cluster's managed topology in either served version.

func pools(u *unstructured.Unstructured) []any {
	mds, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "workers", "machineDeployments")
	return mds
}

func setPools(u *unstructured.Unstructured, mds []any) error {
	return unstructured.SetNestedSlice(u.Object, mds, "spec", "topology", "workers", "machineDeployments")
}

// PoolNames lists the node pools (topology machine deployments).
func PoolNames(u *unstructured.Unstructured) []string {
	var names []string
	for _, item := range pools(u) {
		if m, ok := item.(map[string]any); ok {
			n, _ := m["name"].(string)
			names = append(names, n)
		}
	}
	return names
}

func requireTopology(u *unstructured.Unstructured) error {
	if _, ok, _ := unstructured.NestedMap(u.Object, "spec", "topology"); !ok {
		return &NotClassBasedError{Cluster: u.GetName()}
	}
	return nil
}

// SetControlPlaneReplicas sets the control-plane machine count (odd only).
func SetControlPlaneReplicas(u *unstructured.Unstructured, n int64) error {
	if err := requireTopology(u); err != nil {
		return err
	}
	if err := CheckControlPlaneReplicas(n); err != nil {
		return err
	}
	return unstructured.SetNestedField(u.Object, n, "spec", "topology", "controlPlane", "replicas")
}

// CheckControlPlaneReplicas refuses a control plane etcd cannot keep
// quorum on.
func CheckControlPlaneReplicas(n int64) error {
	if n < 1 || n%2 == 0 {
		return &EvenControlPlaneError{Count: n}
	}
	return nil
}

// SetPoolReplicas sets the replicas of one node pool; pool "" means the
// only pool, and is refused when there are several.
func SetPoolReplicas(u *unstructured.Unstructured, pool string, n int64) error {
	if err := requireTopology(u); err != nil {
		return err
	}
	if n < 0 {
		return &NegativeReplicasError{Count: n}
	}
	names := PoolNames(u)
	if pool == "" {
		if len(names) != 1 {
			return &PoolRequiredError{Cluster: u.GetName(), Pools: names}
		}
		pool = names[0]
	}
	mds := pools(u)
	for _, item := range mds {
		m := item.(map[string]any)
		if m["name"] == pool {
			m["replicas"] = n
			return setPools(u, mds)
		}
	}
	return &errs.NotFoundError{Kind: "node pool", Name: pool, Hint: fmt.Sprintf("cluster %s has %s", u.GetName(), strings.Join(names, ", "))}
}

// Pool is a node pool to add or change.
type Pool struct {
	Name          string
	Class         string
	Replicas      *int64
	FailureDomain string
	Labels        map[string]string
}

// SetPool adds a node pool or updates an existing one.
func SetPool(u *unstructured.Unstructured, p Pool) error {
	if err := requireTopology(u); err != nil {
		return err
	}
	mds := pools(u)
	var target map[string]any
	for _, item := range mds {
		if m := item.(map[string]any); m["name"] == p.Name {
			target = m
		}
	}
	if target == nil {
		if p.Class == "" {
			// New pools take the class of the first pool, as tanzu does.
			if len(mds) > 0 {
				p.Class, _ = mds[0].(map[string]any)["class"].(string)
			}
			if p.Class == "" {
				return &PoolClassRequiredError{Pool: p.Name}
			}
		}
		if p.Replicas == nil {
			one := int64(1)
			p.Replicas = &one
		}
		target = map[string]any{"name": p.Name}
		mds = append(mds, target)
	}
	if p.Class != "" {
		target["class"] = p.Class
	}
	if p.Replicas != nil {
		if *p.Replicas < 0 {
			return &NegativeReplicasError{Count: *p.Replicas}
		}
		target["replicas"] = *p.Replicas
	}
	if p.FailureDomain != "" {
		target["failureDomain"] = p.FailureDomain
	}
	if len(p.Labels) > 0 {
		labels, _, _ := unstructured.NestedMap(target, "metadata", "labels")
		if labels == nil {
			labels = map[string]any{}
		}
		for k, v := range p.Labels {
			labels[k] = v
		}
		if err := unstructured.SetNestedMap(target, labels, "metadata", "labels"); err != nil {
			return err
		}
	}
	return setPools(u, mds)
}

// DeletePool removes a node pool; the last one cannot go.
func DeletePool(u *unstructured.Unstructured, name string) error {
	if err := requireTopology(u); err != nil {
		return err
	}
	mds := pools(u)
	kept := make([]any, 0, len(mds))
	for _, item := range mds {
		if item.(map[string]any)["name"] != name {
			kept = append(kept, item)
		}
	}
	if len(kept) == len(mds) {
		return &errs.NotFoundError{Kind: "node pool", Name: name, Hint: fmt.Sprintf("cluster %s has %s", u.GetName(), strings.Join(PoolNames(u), ", "))}
	}
	if len(kept) == 0 {
		return errs.Invalidf("node pool %s is the last one of cluster %s: a cluster needs at least one; scale it to 0 instead", name, u.GetName())
	}
	return setPools(u, kept)
}

// UpgradeCheck explains whether a version is a valid upgrade target.
func UpgradeCheck(current, target string) error {
	cur, err := ParseVersion(current)
	if err != nil {
		return err
	}
	tgt, err := ParseVersion(target)
	if err != nil {
		return &errs.Invalid{Msg: err.Error()}
	}
	switch {
	case tgt.LessThan(cur):
		return errs.Invalidf("%s is older than the cluster's %s: Kubernetes clusters cannot be downgraded", target, current)
	case tgt.Equal(cur):
		return nil
	case tgt.Major() != cur.Major() || tgt.Minor() > cur.Minor()+1:
		return errs.Invalidf("%s skips a minor version from %s: upgrade one minor at a time (to v%d.%d.x first)", target, current, cur.Major(), cur.Minor()+1)
	}
	return nil
}

// AvailableUpgrades returns the TKRs a cluster at current may move to:
// newer, at most one minor ahead, Ready and compatible.
func AvailableUpgrades(current string, tkrs []TKR) []TKR {
	var out []TKR
	for _, t := range tkrs {
		if t.Ready && t.Compatible && t.Kubernetes != current && UpgradeCheck(current, t.Kubernetes) == nil {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, _ := semver.NewVersion(strings.TrimPrefix(out[i].Kubernetes, "v"))
		b, _ := semver.NewVersion(strings.TrimPrefix(out[j].Kubernetes, "v"))
		return a != nil && b != nil && a.LessThan(b)
	})
	return out
}

// SetVersion moves the topology to a Kubernetes version (and its TKR label).
func SetVersion(u *unstructured.Unstructured, version, tkr string) error {
	if err := requireTopology(u); err != nil {
		return err
	}
	if err := unstructured.SetNestedField(u.Object, version, "spec", "topology", "version"); err != nil {
		return err
	}
	if tkr != "" {
		labels := u.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels[LabelTKR] = tkr
		if _, ok := labels[LabelTKRLegacy]; ok {
			labels[LabelTKRLegacy] = tkr
		}
		u.SetLabels(labels)
	}
	return nil
}

// HealthCheck is the machine health check of the control plane or a pool.
type HealthCheck struct {
	Enabled            bool
	NodeStartupTimeout time.Duration
	UnhealthyFor       time.Duration // how long Ready may be False/Unknown
	MaxUnhealthy       string        // e.g. "40%" or "2"; "" leaves it
}

// healthCheckPath is where the topology keeps the check of a target
// ("" for the control plane, else a pool name) in the object's version.
func healthCheckField(u *unstructured.Unstructured) string {
	if strings.HasSuffix(u.GetAPIVersion(), "/v1beta1") {
		return "machineHealthCheck"
	}
	return "healthCheck"
}

func healthCheckParent(u *unstructured.Unstructured, pool string) (map[string]any, func() error, error) {
	if err := requireTopology(u); err != nil {
		return nil, nil, err
	}
	if pool == "" {
		cp, _, _ := unstructured.NestedMap(u.Object, "spec", "topology", "controlPlane")
		if cp == nil {
			cp = map[string]any{}
		}
		return cp, func() error { return unstructured.SetNestedMap(u.Object, cp, "spec", "topology", "controlPlane") }, nil
	}
	mds := pools(u)
	for _, item := range mds {
		if m := item.(map[string]any); m["name"] == pool {
			return m, func() error { return setPools(u, mds) }, nil
		}
	}
	return nil, nil, &errs.NotFoundError{Kind: "node pool", Name: pool, Hint: fmt.Sprintf("cluster %s has %s", u.GetName(), strings.Join(PoolNames(u), ", "))}
}

// SetHealthCheck configures the managed MachineHealthCheck of the control
// plane (pool "") or a node pool.
func SetHealthCheck(u *unstructured.Unstructured, pool string, hc HealthCheck) error {
	parent, save, err := healthCheckParent(u, pool)
	if err != nil {
		return err
	}
	var maxUnhealthy any
	if hc.MaxUnhealthy != "" {
		v, err := ParseMaxUnhealthy(hc.MaxUnhealthy)
		if err != nil {
			return err
		}
		maxUnhealthy = unstructuredIntOrString(v)
	}
	field := healthCheckField(u)
	secs := func(d time.Duration) int64 { return int64(d / time.Second) }
	if field == "machineHealthCheck" {
		m := map[string]any{"enable": hc.Enabled}
		if hc.NodeStartupTimeout > 0 {
			m["nodeStartupTimeout"] = hc.NodeStartupTimeout.String()
		}
		if hc.UnhealthyFor > 0 {
			m["unhealthyConditions"] = []any{
				map[string]any{"type": "Ready", "status": "Unknown", "timeout": hc.UnhealthyFor.String()},
				map[string]any{"type": "Ready", "status": "False", "timeout": hc.UnhealthyFor.String()},
			}
		}
		if maxUnhealthy != nil {
			m["maxUnhealthy"] = maxUnhealthy
		}
		parent[field] = m
		return save()
	}
	m := map[string]any{"enabled": hc.Enabled}
	checks := map[string]any{}
	if hc.NodeStartupTimeout > 0 {
		checks["nodeStartupTimeoutSeconds"] = secs(hc.NodeStartupTimeout)
	}
	if hc.UnhealthyFor > 0 {
		checks["unhealthyNodeConditions"] = []any{
			map[string]any{"type": "Ready", "status": "Unknown", "timeoutSeconds": secs(hc.UnhealthyFor)},
			map[string]any{"type": "Ready", "status": "False", "timeoutSeconds": secs(hc.UnhealthyFor)},
		}
	}
	if len(checks) > 0 {
		m["checks"] = checks
	}
	if maxUnhealthy != nil {
		m["remediation"] = map[string]any{"triggerIf": map[string]any{"unhealthyLessThanOrEqualTo": maxUnhealthy}}
	}
	parent[field] = m
	return save()
}

// ParseMaxUnhealthy reads a count ("2") or a percentage ("40%") as Cluster
// API's webhook takes an IntOrString; negative values are refused too.
func ParseMaxUnhealthy(s string) (intstr.IntOrString, error) {
	v := intstr.FromString(s)
	// intstr.Parse would log an error for counts beyond int32; they are refused below instead.
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		v = intstr.FromInt32(int32(n))
	}
	if n, err := intstr.GetScaledValueFromIntOrPercent(&v, 100, false); err != nil || n < 0 {
		return v, errs.Invalidf("max unhealthy %q is not a count (2) or a percentage (40%%)", s)
	}
	return v, nil
}

// unstructuredIntOrString is v as an unstructured object holds it: int64 or string.
func unstructuredIntOrString(v intstr.IntOrString) any {
	if v.Type == intstr.Int {
		return int64(v.IntVal)
	}
	return v.StrVal
}

// DisableHealthCheck turns the managed check off.
func DisableHealthCheck(u *unstructured.Unstructured, pool string) error {
	parent, save, err := healthCheckParent(u, pool)
	if err != nil {
		return err
	}
	field := healthCheckField(u)
	key := "enabled"
	if field == "machineHealthCheck" {
		key = "enable"
	}
	parent[field] = map[string]any{key: false}
	return save()
}

// ClassAllows checks a version against the ClusterClass's
// spec.kubernetesVersions, when the class lists any (Cluster API 1.11+).
func ClassAllows(class *unstructured.Unstructured, version string) error {
	allowed, _, _ := unstructured.NestedStringSlice(class.Object, "spec", "kubernetesVersions")
	if len(allowed) == 0 {
		return nil
	}
	for _, v := range allowed {
		if v == version {
			return nil
		}
	}
	return errs.Invalidf("ClusterClass %s does not offer %s (it lists %s)", class.GetName(), version, strings.Join(allowed, ", "))
}
