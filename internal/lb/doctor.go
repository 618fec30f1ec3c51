package lb

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Severities of a finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Finding is one thing wrong, with the object, the cause and the fix.
type Finding struct {
	Severity string `json:"severity"`
	Cluster  string `json:"cluster,omitempty"` // the workload cluster, in a fleet run
	Object   string `json:"object"`
	Cause    string `json:"cause"`
	Fix      string `json:"fix"`
}

// Errors counts the error-level findings.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == SeverityError {
			n++
		}
	}
	return n
}

// ClusterFindings checks the load balancing of one cluster: pending
// Services, one address on two Services, addresses in no pool the cluster
// knows or in another implementation's, pools running out, kube-vip ranges
// shadowed by cidr-global, AKO not running, and what could not be checked.
func ClusterFindings(c *Cluster, pools []*Pool) []Finding {
	var out []Finding
	add := func(sev, obj, cause, fix string) {
		out = append(out, Finding{Severity: sev, Object: obj, Cause: cause, Fix: fix})
	}
	if c.AKO.Installed && !c.AKO.Ready() {
		add(SeverityError, "statefulset/ako -n avi-system", fmt.Sprintf("AKO has %d/%d ready replicas", c.AKO.ReadyReplicas, c.AKO.Replicas), "check 'kubectl logs -n avi-system ako-0' and the avi-k8s-config ConfigMap")
	}
	holders := map[netip.Addr][]string{}
	for _, s := range c.Services {
		if s.Pending() {
			add(SeverityError, "service/"+s.Name+" -n "+s.Namespace, "LoadBalancer pending: "+s.Cause, s.Fix)
		}
		for _, a := range s.Addresses() {
			holders[a] = append(holders[a], s.Namespace+"/"+s.Name)
		}
	}
	out = append(out, addressFindings(c.Services, pools, holders)...)
	addrs := make([]netip.Addr, 0, len(holders))
	for a := range holders {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, func(a, b netip.Addr) int { return a.Compare(b) })
	for _, a := range addrs {
		if len(holders[a]) > 1 {
			add(SeverityError, "address "+a.String(), "held by several Services: "+strings.Join(holders[a], ", "), "give each Service its own address")
		}
	}
	for _, p := range pools {
		switch {
		case p.Size > 0 && int64(len(p.Used)) >= p.Size:
			add(SeverityError, p.Source, fmt.Sprintf("pool full: %d of %d addresses used", len(p.Used), p.Size), "widen the pool or free addresses")
		case p.Percent >= Warn:
			add(SeverityWarning, p.Source, fmt.Sprintf("pool %d%% used (%d of %d)", p.Percent, len(p.Used), p.Size), "widen the pool before it runs out")
		}
	}
	for _, key := range ShadowedRanges(c.KubeVIP) {
		ns := strings.TrimPrefix(key, "range-")
		add(SeverityWarning, "configmap/kubevip -n kube-system", fmt.Sprintf("cidr-global shadows %s: kube-vip consults every cidr key before any range key, so namespace %s gets cidr-global addresses", key, ns),
			fmt.Sprintf("add cidr-%s, or move cidr-global to range-global", ns))
	}
	for _, u := range c.Unchecked {
		add(SeverityWarning, u, "not checked", "grant read access to it, or run as a user who has it")
	}
	return out
}

// ADCFindings checks the AKODeploymentConfigs of a management cluster
// against its clusters: ADCs selecting no cluster, clusters two ADCs claim,
// missing Secrets (missing lists the namespace/name of those not found).
func ADCFindings(adcs []*ADC, clusters []*unstructured.Unstructured, missing map[string][]string) []Finding {
	var out []Finding
	claimed := map[string][]string{}
	for _, u := range clusters {
		key := u.GetNamespace() + "/" + u.GetName()
		for _, a := range adcs {
			if selects(a, u) {
				claimed[key] = append(claimed[key], a.Name)
			}
		}
	}
	for _, a := range adcs {
		obj := "akodeploymentconfig/" + a.Name
		n := 0
		for _, u := range clusters {
			if selects(a, u) || Select(u, adcs).ADC == a.Name {
				n++
			}
		}
		if n == 0 {
			out = append(out, Finding{Severity: SeverityWarning, Object: obj, Cause: "selects no cluster (selector " + a.SelectorText() + ")", Fix: "label the clusters it is for, or delete it"})
		}
		for _, ref := range missing[a.Name] {
			out = append(out, Finding{Severity: SeverityError, Object: obj, Cause: "Secret " + ref + " does not exist", Fix: "create it: the AKO operator cannot deploy AKO without it"})
		}
	}
	keys := make([]string, 0, len(claimed))
	for k := range claimed {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(claimed[k]) > 1 {
			out = append(out, Finding{Severity: SeverityError, Object: "cluster/" + k, Cause: "claimed by several ADCs: " + strings.Join(claimed[k], ", "), Fix: "make their clusterSelectors disjoint"})
		}
	}
	return out
}

// selects reports an ADC whose non-empty selector matches the cluster.
func selects(a *ADC, u *unstructured.Unstructured) bool {
	if a.Name == ForAll || a.Name == ForManagement {
		return false
	}
	sel, err := selectorOf(a)
	return err == nil && !sel.Empty() && sel.Matches(labelSet(u))
}
