package observe

import (
	"context"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// MetricsGroup serves PodMetrics and NodeMetrics (metrics-server).
const MetricsGroup = "metrics.k8s.io"

var podMetrics = schema.GroupVersionResource{Group: MetricsGroup, Version: "v1beta1", Resource: "pods"}

// Unscheduled is the node row of pods no node runs.
const Unscheduled = "<unscheduled>"

// Resources are CPU in millicores and memory in bytes.
type Resources struct {
	CPU    int64 `json:"cpuMillis"`
	Memory int64 `json:"memoryBytes"`
}

func (r *Resources) add(o Resources) { r.CPU += o.CPU; r.Memory += o.Memory }

// CapacityRow is one node's or one namespace's share.
type CapacityRow struct {
	Name        string     `json:"name"`
	Pods        int        `json:"pods"`
	Requests    Resources  `json:"requests"`
	Limits      Resources  `json:"limits"`
	Allocatable *Resources `json:"allocatable,omitempty"` // nodes only
	Usage       *Resources `json:"usage,omitempty"`       // where metrics.k8s.io is served
}

// Consumer is one pod among the top consumers.
type Consumer struct {
	Namespace string     `json:"namespace"`
	Name      string     `json:"name"`
	Node      string     `json:"node,omitempty"`
	Requests  Resources  `json:"requests"`
	Usage     *Resources `json:"usage,omitempty"`
}

// Capacity is requests and limits against allocatable, with usage where
// the metrics API is served.
type Capacity struct {
	By            string        `json:"by"` // node or namespace
	Rows          []CapacityRow `json:"rows"`
	Total         CapacityRow   `json:"total"`
	Top           []Consumer    `json:"top"`
	MetricsServed bool          `json:"metricsServed"`
}

// ReadCapacity sums the requests and limits of the pods that are not done,
// by node (against each node's allocatable; pods not scheduled in a row of
// their own) or by namespace, and ranks the top consumers: by usage when
// metrics.k8s.io is served, else by CPU requests.
func ReadCapacity(ctx context.Context, c *kube.Clients, namespace, by string, top int) (*Capacity, error) {
	cs, _, served, err := clientsFor(c)
	if err != nil {
		return nil, err
	}
	capa := &Capacity{By: by, MetricsServed: served.Has(MetricsGroup), Total: CapacityRow{Name: "total"}}
	rows := map[string]*CapacityRow{}
	if by == "node" {
		nodes, err := kube.ListOnePass[node](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "nodes"}, "", metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		capa.Total.Allocatable = &Resources{}
		for _, n := range nodes {
			alloc := Resources{CPU: n.Status.Allocatable.Cpu().MilliValue(), Memory: n.Status.Allocatable.Memory().Value()}
			rows[n.Name] = &CapacityRow{Name: n.Name, Allocatable: &alloc}
			capa.Total.Allocatable.add(alloc)
		}
	}
	pods, err := kube.ListOnePass[pod](ctx, cs, schema.GroupVersionResource{Version: "v1", Resource: "pods"}, namespace, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	usage := map[string]Resources{}
	if capa.MetricsServed {
		usage, err = readPodMetrics(ctx, c, namespace)
		if err != nil {
			return nil, err
		}
	}
	for i := range pods {
		p := &pods[i]
		if p.Status.Phase == "Succeeded" || p.Status.Phase == "Failed" {
			continue
		}
		key := p.Namespace
		if by == "node" {
			key = p.Spec.NodeName
			if key == "" {
				key = Unscheduled
			}
		}
		row := rows[key]
		if row == nil {
			row = &CapacityRow{Name: key}
			rows[key] = row
		}
		req, lim := podResources(p)
		row.Pods++
		row.Requests.add(req)
		row.Limits.add(lim)
		capa.Total.Pods++
		capa.Total.Requests.add(req)
		capa.Total.Limits.add(lim)
		con := Consumer{Namespace: p.Namespace, Name: p.Name, Node: p.Spec.NodeName, Requests: req}
		if u, ok := usage[p.Namespace+"/"+p.Name]; ok {
			con.Usage = &u
			if row.Usage == nil {
				row.Usage = &Resources{}
			}
			row.Usage.add(u)
			if capa.Total.Usage == nil {
				capa.Total.Usage = &Resources{}
			}
			capa.Total.Usage.add(u)
		}
		capa.Top = append(capa.Top, con)
	}
	for _, r := range rows {
		capa.Rows = append(capa.Rows, *r)
	}
	sort.Slice(capa.Rows, func(i, j int) bool { return capa.Rows[i].Name < capa.Rows[j].Name })
	sort.SliceStable(capa.Top, func(i, j int) bool {
		a, b := capa.Top[i], capa.Top[j]
		if a.Usage != nil && b.Usage != nil && a.Usage.CPU != b.Usage.CPU {
			return a.Usage.CPU > b.Usage.CPU
		}
		if a.Requests.CPU != b.Requests.CPU {
			return a.Requests.CPU > b.Requests.CPU
		}
		return a.Requests.Memory > b.Requests.Memory
	})
	if len(capa.Top) > top {
		capa.Top = capa.Top[:top]
	}
	return capa, nil
}

// podResources are a pod's effective requests and limits: its containers'
// sum, or its largest init container when that is more, plus its overhead.
func podResources(p *pod) (requests, limits Resources) {
	sum := func(list []container, pick func(container) resourceList) Resources {
		var r Resources
		for _, c := range list {
			rl := pick(c)
			r.add(Resources{CPU: rl.Cpu().MilliValue(), Memory: rl.Memory().Value()})
		}
		return r
	}
	maxInit := func(pick func(container) resourceList) Resources {
		var r Resources
		for _, c := range p.Spec.InitContainers {
			rl := pick(c)
			r.CPU, r.Memory = max(r.CPU, rl.Cpu().MilliValue()), max(r.Memory, rl.Memory().Value())
		}
		return r
	}
	eff := func(pick func(container) resourceList) Resources {
		r, init := sum(p.Spec.Containers, pick), maxInit(pick)
		r.CPU, r.Memory = max(r.CPU, init.CPU), max(r.Memory, init.Memory)
		r.add(Resources{CPU: p.Spec.Overhead.Cpu().MilliValue(), Memory: p.Spec.Overhead.Memory().Value()})
		return r
	}
	return eff(func(c container) resourceList { return c.Resources.Requests }),
		eff(func(c container) resourceList { return c.Resources.Limits })
}

func readPodMetrics(ctx context.Context, c *kube.Clients, ns string) (map[string]Resources, error) {
	list, err := c.Dynamic.Resource(podMetrics).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("reading pod metrics: %w", err)
	}
	out := map[string]Resources{}
	for _, u := range list.Items {
		var r Resources
		containers, _, _ := unstructured.NestedSlice(u.Object, "containers")
		for _, raw := range containers {
			m, _ := raw.(map[string]any)
			usage, _ := m["usage"].(map[string]any)
			if s, ok := usage["cpu"].(string); ok {
				if q, err := resource.ParseQuantity(s); err == nil {
					r.CPU += q.MilliValue()
				}
			}
			if s, ok := usage["memory"].(string); ok {
				if q, err := resource.ParseQuantity(s); err == nil {
					r.Memory += q.Value()
				}
			}
		}
		out[u.GetNamespace()+"/"+u.GetName()] = r
	}
	return out, nil
}

// CPU renders millicores as Kubernetes writes them (250m, 2).
func CPU(m int64) string {
	if m%1000 == 0 {
		return fmt.Sprint(m / 1000)
	}
	return fmt.Sprintf("%dm", m)
}

// Memory renders bytes in binary units (512Mi, 2Gi).
func Memory(b int64) string {
	return resource.NewQuantity(b, resource.BinarySI).String()
}

// Percent is part of whole, "-" when the whole is unknown.
func Percent(part, whole int64) string {
	if whole <= 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", part*100/whole)
}
