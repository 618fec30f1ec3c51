package lb

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	annotations    map[string]string
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
		if ip, err := netip.ParseAddr(a); err == nil {
			out = append(out, ip)
		}
	}
	return out
}

// ServiceFrom reads a Service; ok is false when it is not of type LoadBalancer.
func ServiceFrom(u *unstructured.Unstructured) (Service, bool) {
	if t, _, _ := unstructured.NestedString(u.Object, "spec", "type"); t != "LoadBalancer" {
		return Service{}, false
	}
	s := Service{Namespace: u.GetNamespace(), Name: u.GetName(), Created: u.GetCreationTimestamp().Time, annotations: u.GetAnnotations()}
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

// Event is a Kubernetes Event, reduced.
type Event struct {
	Reason  string    `json:"reason"`
	Message string    `json:"message"`
	Count   int64     `json:"count"`
	Last    time.Time `json:"last"`
}

// Cluster is what the lb commands read of one cluster.
type Cluster struct {
	Services []Service         `json:"services"`
	AKO      *AKO              `json:"ako"`
	KubeVIP  map[string]string `json:"kubeVIP,omitempty"` // kube-system/kubevip data; nil when absent
	// Unchecked says what could not be read (RBAC) and so was not checked.
	Unchecked []string `json:"unchecked,omitempty"`
}

// Read collects Services of type LoadBalancer (in namespace, "" for all),
// AKO's state and kube-vip's pools. What RBAC hides is noted, not fatal,
// except the Services themselves.
func Read(ctx context.Context, dyn dynamic.Interface, namespace string) (*Cluster, error) {
	c := &Cluster{AKO: &AKO{}}
	list, err := dyn.Resource(services).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing Services: %w", err)
	}
	for i := range list.Items {
		if s, ok := ServiceFrom(&list.Items[i]); ok {
			c.Services = append(c.Services, s)
		}
	}
	sort.Slice(c.Services, func(i, j int) bool {
		a, b := c.Services[i], c.Services[j]
		return a.Namespace < b.Namespace || a.Namespace == b.Namespace && a.Name < b.Name
	})
	sts, err := dyn.Resource(statefulSets).Namespace(AKONamespace).Get(ctx, AKOStatefulSet, metav1.GetOptions{})
	switch {
	case err == nil:
		c.AKO.Installed = true
		c.AKO.Replicas, _, _ = unstructured.NestedInt64(sts.Object, "spec", "replicas")
		c.AKO.ReadyReplicas, _, _ = unstructured.NestedInt64(sts.Object, "status", "readyReplicas")
	case apierrors.IsForbidden(err):
		c.Unchecked = append(c.Unchecked, "AKO's StatefulSet avi-system/ako (forbidden)")
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("reading AKO's StatefulSet: %w", err)
	}
	if c.AKO.Installed {
		evs, err := dyn.Resource(events).Namespace(AKONamespace).List(ctx, metav1.ListOptions{FieldSelector: "involvedObject.name=" + AKOPod})
		switch {
		case err == nil:
			for _, e := range evs.Items {
				if t, _, _ := unstructured.NestedString(e.Object, "type"); t != "Warning" {
					continue
				}
				c.AKO.Warnings = append(c.AKO.Warnings, eventFrom(&e))
			}
			sort.Slice(c.AKO.Warnings, func(i, j int) bool { return c.AKO.Warnings[i].Last.After(c.AKO.Warnings[j].Last) })
		case apierrors.IsForbidden(err):
			c.Unchecked = append(c.Unchecked, "AKO's Events in avi-system (forbidden)")
		default:
			return nil, fmt.Errorf("reading AKO's Events: %w", err)
		}
	}
	c.AKO.readAKOPackage(ctx, dyn)
	cm, err := dyn.Resource(configMaps).Namespace(KubeVIPNamespace).Get(ctx, KubeVIPConfigMap, metav1.GetOptions{})
	switch {
	case err == nil:
		c.KubeVIP, _, _ = unstructured.NestedStringMap(cm.Object, "data")
		if c.KubeVIP == nil {
			c.KubeVIP = map[string]string{}
		}
	case apierrors.IsForbidden(err):
		c.Unchecked = append(c.Unchecked, "kube-vip's ConfigMap kube-system/kubevip (forbidden)")
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("reading kube-vip's ConfigMap: %w", err)
	}
	for i := range c.Services {
		c.Services[i].Implementation = c.implementation(c.Services[i])
	}
	return c, nil
}

func eventFrom(u *unstructured.Unstructured) Event {
	e := Event{}
	e.Reason, _, _ = unstructured.NestedString(u.Object, "reason")
	e.Message, _, _ = unstructured.NestedString(u.Object, "message")
	e.Count, _, _ = unstructured.NestedInt64(u.Object, "count")
	for _, f := range [][]string{{"lastTimestamp"}, {"eventTime"}, {"metadata", "creationTimestamp"}} {
		if s, _, _ := unstructured.NestedString(u.Object, f...); s != "" {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				e.Last = t
				break
			}
		}
	}
	return e
}

// implementation names what serves a Service: its class or the
// implementations' annotations first, then what runs in the cluster.
func (c *Cluster) implementation(s Service) string {
	switch {
	case s.Class == AKOClass, s.annotations[AKOVSAnnotation] != "", s.annotations[AKORequestedIP] != "":
		return ImplAKO
	case s.Class == KubeVIPClass, s.annotations[KubeVIPIPs] != "":
		return ImplKubeVIP
	case s.Class != "":
		return ImplOther
	case c.AKO.Installed:
		return ImplAKO
	case c.KubeVIP != nil:
		return ImplKubeVIP
	}
	return ImplOther
}

// Diagnose fills in the likeliest cause of every pending Service, and its
// fix. AKO reports no per-Service error, only Events on its pod, so its
// causes are correlated from AKO's state.
func (c *Cluster) Diagnose(pools []*Pool) {
	for i := range c.Services {
		s := &c.Services[i]
		if s.Pending() {
			s.Cause, s.Fix = c.cause(*s, pools)
		}
	}
}

func (c *Cluster) cause(s Service, pools []*Pool) (cause, fix string) {
	if bad := outsidePools(s, pools); bad != "" {
		return bad, "request an address inside a pool, or widen the pool"
	}
	switch s.Implementation {
	case ImplAKO:
		switch {
		case !c.AKO.Installed:
			return "AKO is not installed (no StatefulSet avi-system/ako)", "check that an AKODeploymentConfig selects the cluster: kubectl tko lb status"
		case c.AKO.ReadyReplicas == 0:
			return fmt.Sprintf("AKO is not running (avi-system/ako has %d/%d ready replicas)", c.AKO.ReadyReplicas, c.AKO.Replicas), "check 'kubectl logs -n avi-system ako-0'"
		case len(c.AKO.Warnings) > 0:
			w := c.AKO.Warnings[0]
			return fmt.Sprintf("AKO reports %s: %s", w.Reason, oneLine(w.Message)), "fix what AKO reports (NSX ALB network, IPAM or credentials), then check 'kubectl logs -n avi-system ako-0'"
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
	if s.Class != "" {
		return fmt.Sprintf("loadBalancerClass %s is served by neither AKO nor kube-vip", s.Class), "check that class's controller"
	}
	return "no load-balancer controller runs in this cluster (neither AKO nor kube-vip)", "install AKO (an AKODeploymentConfig selecting the cluster) or kube-vip's cloud provider"
}

// outsidePools names a requested address that no pool of the Service's
// implementation holds.
func outsidePools(s Service, pools []*Pool) string {
	prefix := map[string]string{ImplAKO: "adc/", ImplKubeVIP: "kubevip "}[s.Implementation]
	if prefix == "" {
		return ""
	}
	var mine []*Pool
	for _, p := range pools {
		if strings.HasPrefix(p.Source, prefix) {
			mine = append(mine, p)
		}
	}
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

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
