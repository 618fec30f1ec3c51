package lb

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Names AKO and kube-vip use.
const (
	AKONamespace     = "avi-system"
	AKOStatefulSet   = "ako"
	AKOPod           = "ako-0"
	AKOClass         = "ako.vmware.com/avi-lb"
	AKORequestedIP   = "ako.vmware.com/load-balancer-ip"
	AKOVSAnnotation  = "ako.vmware.com/vs-uuid"
	KubeVIPClass     = "kube-vip.io/kube-vip-class"
	KubeVIPIPs       = "kube-vip.io/loadbalancerIPs"
	KubeVIPNamespace = "kube-system"
	KubeVIPConfigMap = "kubevip"
)

// Implementations of a Service of type LoadBalancer.
const (
	ImplAKO     = "AKO"
	ImplKubeVIP = "kube-vip"
	ImplOther   = "other"
)

var (
	services     = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	events       = schema.GroupVersionResource{Version: "v1", Resource: "events"}
	configMaps   = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	statefulSets = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "statefulsets"}
)

// Service is a Service of type LoadBalancer as the lb commands show it.
type Service struct {
	Namespace      string    `json:"namespace"`
	Name           string    `json:"name"`
	Class          string    `json:"loadBalancerClass,omitempty"`
	Implementation string    `json:"implementation"`
	Requested      []string  `json:"requested,omitempty"` // spec.loadBalancerIP and the implementations' annotations
	Ingress        []string  `json:"ingress,omitempty"`   // status.loadBalancer.ingress
	Created        time.Time `json:"created"`
	Cause          string    `json:"cause,omitempty"` // why it is pending, when it is
	Fix            string    `json:"fix,omitempty"`
	Events         []Event   `json:"events,omitempty"` // on a pending Service, newest first
	annotations    map[string]string
	uid            string
}

// Pending reports a LoadBalancer with no address yet.
func (s Service) Pending() bool { return len(s.Ingress) == 0 }

// Addresses are the assigned addresses, or the requested ones while pending.
func (s Service) Addresses() []netip.Addr {
	list := s.Ingress
	if s.Pending() {
		list = s.Requested
	}
	var out []netip.Addr
	for _, a := range list {
		// A hostname-only ingress has no address to account for.
		if ip, err := netip.ParseAddr(a); err == nil {
			out = append(out, ip.Unmap())
		}
	}
	return out
}

// ServiceFrom reads a Service; ok is false when it is not of type LoadBalancer.
func ServiceFrom(u *unstructured.Unstructured) (Service, bool) {
	if t, _, _ := unstructured.NestedString(u.Object, "spec", "type"); t != "LoadBalancer" {
		return Service{}, false
	}
	s := Service{Namespace: u.GetNamespace(), Name: u.GetName(), Created: u.GetCreationTimestamp().Time, annotations: u.GetAnnotations(), uid: string(u.GetUID())}
	s.Class, _, _ = unstructured.NestedString(u.Object, "spec", "loadBalancerClass")
	if ip, _, _ := unstructured.NestedString(u.Object, "spec", "loadBalancerIP"); ip != "" {
		s.Requested = append(s.Requested, ip)
	}
	for _, key := range []string{AKORequestedIP, KubeVIPIPs} {
		for _, ip := range strings.Split(s.annotations[key], ",") {
			if ip = strings.TrimSpace(ip); ip != "" && !slices.Contains(s.Requested, ip) {
				s.Requested = append(s.Requested, ip)
			}
		}
	}
	ingress, _, _ := unstructured.NestedSlice(u.Object, "status", "loadBalancer", "ingress")
	for _, item := range ingress {
		m, _ := item.(map[string]any)
		for _, k := range []string{"ip", "hostname"} {
			if v, _ := m[k].(string); v != "" {
				s.Ingress = append(s.Ingress, v)
			}
		}
	}
	return s, true
}

// AKO is what AKO shows of itself in a workload cluster.
type AKO struct {
	Installed     bool    `json:"installed"`
	Replicas      int64   `json:"replicas"`
	ReadyReplicas int64   `json:"readyReplicas"`
	Warnings      []Event `json:"warnings,omitempty"` // Warning Events on ako-0, newest first
	// Package is AKO's PackageInstall (TKG installs AKO as the package
	// load-balancer-and-ingress-service): namespace/name and its state.
	Package      string `json:"package,omitempty"`
	PackageState string `json:"packageState,omitempty"`
}

// AKOPackage is the package TKG installs AKO from.
const AKOPackage = "load-balancer-and-ingress-service.tanzu.vmware.com"

var packageInstalls = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packageinstalls"}

// readAKOPackage finds AKO's PackageInstall in any namespace; where
// kapp-controller is not installed or RBAC hides it, there is none to show.
func (a *AKO) readAKOPackage(ctx context.Context, dyn dynamic.Interface) {
	list, err := dyn.Resource(packageInstalls).Namespace(metav1.NamespaceAll).List(ctx, metav1.ListOptions{})
	if err != nil {
		return
	}
	for _, pi := range list.Items {
		if ref, _, _ := unstructured.NestedString(pi.Object, "spec", "packageRef", "refName"); ref != AKOPackage {
			continue
		}
		a.Package = pi.GetNamespace() + "/" + pi.GetName()
		conds, _, _ := unstructured.NestedSlice(pi.Object, "status", "conditions")
		for _, c := range conds {
			if m, _ := c.(map[string]any); m["status"] == "True" {
				a.PackageState, _ = m["type"].(string)
			}
		}
		return
	}
}

// Ready reports a running AKO.
func (a *AKO) Ready() bool { return a != nil && a.Installed && a.ReadyReplicas > 0 }

// Cluster is what the lb commands read of one cluster.
type Cluster struct {
	Services []Service         `json:"services"`
	AKO      *AKO              `json:"ako"`
	KubeVIP  map[string]string `json:"kubeVIP,omitempty"` // kube-system/kubevip data; nil when absent
	// Unchecked says what could not be read (RBAC) and so was not checked.
	Unchecked []string `json:"unchecked,omitempty"`
}

// implementation names what serves a Service: its class or the
// implementations' annotations first, then AKO's Events on it, then what
// runs in the cluster.
func (c *Cluster) implementation(s Service) string {
	switch {
	case s.Class == AKOClass, s.annotations[AKOVSAnnotation] != "", s.annotations[AKORequestedIP] != "":
		return ImplAKO
	case s.Class == KubeVIPClass, s.annotations[KubeVIPIPs] != "":
		return ImplKubeVIP
	case s.Class != "":
		return ImplOther
	case s.reportedByAKO(), c.AKO.Installed:
		return ImplAKO
	case c.KubeVIP != nil:
		return ImplKubeVIP
	}
	return ImplOther
}

// Diagnose fills in the likeliest cause of every pending Service, and its
// fix: what a controller said on the Service itself first (AKO since 1.6.1,
// or any other), else what AKO's pod, AKO's state and the pools suggest.
func (c *Cluster) Diagnose(pools []*Pool) {
	for i := range c.Services {
		s := &c.Services[i]
		if s.Pending() {
			s.Cause, s.Fix = c.cause(*s, pools)
		}
	}
}

const akoFix = "fix what AKO reports (NSX ALB network, IPAM or credentials), then check 'kubectl logs -n avi-system ako-0'"

func (c *Cluster) cause(s Service, pools []*Pool) (cause, fix string) {
	if w, ok := newest(s.Events, "Warning"); ok {
		return w.reporter() + " reports " + w.Text(), s.fixFor(w)
	}
	if bad := outsidePools(s, pools); bad != "" {
		return bad, "request an address inside a pool, or widen the pool"
	}
	last, reported := s.LastEvent()
	switch s.Implementation {
	case ImplAKO:
		switch {
		case !c.AKO.Installed && reported:
			return s.lastWords(last)
		case !c.AKO.Installed:
			return "AKO is not installed (no StatefulSet avi-system/ako)", "check that an AKODeploymentConfig selects the cluster: kubectl tko lb status"
		case c.AKO.ReadyReplicas == 0:
			return fmt.Sprintf("AKO is not running (avi-system/ako has %d/%d ready replicas)", c.AKO.ReadyReplicas, c.AKO.Replicas), "check 'kubectl logs -n avi-system ako-0'"
		case len(c.AKO.Warnings) > 0:
			w := c.AKO.Warnings[0]
			return "AKO reports " + w.Text(), akoFix
		}
		return "AKO has not placed a virtual service yet and reports no warning", "check the virtual services on the NSX ALB controller and 'kubectl logs -n avi-system ako-0'"
	case ImplKubeVIP:
		if c.KubeVIP == nil {
			return "no kube-vip pool: the ConfigMap kube-system/kubevip does not exist", "create it with a range-global or cidr-global key"
		}
		var serving []*Pool
		for _, p := range pools {
			if strings.HasPrefix(p.Source, "kubevip ") && (p.Scope == "*" || p.Scope == s.Namespace) {
				serving = append(serving, p)
			}
		}
		if len(serving) == 0 {
			return "no kube-vip pool serves namespace " + s.Namespace, fmt.Sprintf("add range-%s (or range-global) to kube-system/kubevip", s.Namespace)
		}
		full := true
		for _, p := range serving {
			full = full && int64(len(p.Used)) >= p.Size
		}
		if full {
			return "every kube-vip pool for namespace " + s.Namespace + " is full", "widen " + serving[0].Source + " or free an address"
		}
		return "kube-vip has not assigned an address", "check the kube-vip-cloud-provider logs in kube-system"
	}
	switch {
	case reported:
		return s.lastWords(last)
	case s.Class != "":
		return fmt.Sprintf("loadBalancerClass %s is served by neither AKO nor kube-vip", s.Class), "check that class's controller"
	}
	return "no load-balancer controller runs in this cluster (neither AKO nor kube-vip) and none has reported on the Service", "install AKO (an AKODeploymentConfig selecting the cluster) or kube-vip's cloud provider"
}

// lastWords is the cause when a controller reported on the Service without
// a warning, yet left it without an address.
func (s Service) lastWords(e Event) (cause, fix string) {
	return fmt.Sprintf("%s last reported %s, and assigned no address", e.reporter(), e.Text()), s.fixFor(e)
}

func (s Service) fixFor(e Event) string {
	if e.Source == AKOComponent {
		return akoFix
	}
	return fmt.Sprintf("fix what %s reports: 'kubectl describe service %s -n %s' lists its Events", e.reporter(), s.Name, s.Namespace)
}

// outsidePools names a requested address that no pool of the Service's
// implementation holds.
func outsidePools(s Service, pools []*Pool) string {
	mine := implPools(s.Implementation, pools)
	if len(mine) == 0 {
		return ""
	}
	for _, a := range s.Addresses() {
		if !slices.ContainsFunc(mine, func(p *Pool) bool { return p.Holds(a) }) {
			return fmt.Sprintf("the requested address %s is outside every %s pool", a, s.Implementation)
		}
	}
	return ""
}

// implPools are the pools of an implementation (none for another).
func implPools(impl string, pools []*Pool) []*Pool {
	prefix := map[string]string{ImplAKO: "adc/", ImplKubeVIP: "kubevip "}[impl]
	if prefix == "" {
		return nil
	}
	var out []*Pool
	for _, p := range pools {
		if strings.HasPrefix(p.Source, prefix) {
			out = append(out, p)
		}
	}
	return out
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
