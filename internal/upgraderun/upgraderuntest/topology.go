// Package upgraderuntest plays Cluster API's topology controller for
// tests of upgrade runs, against any API server (the test one of clitest
// or a real kube-apiserver).
package upgraderuntest

import (
	"context"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// The Cluster API resources the controller writes.
var (
	Clusters = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	Machines = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "machines"}
)

// Topology rolls the machines of a Cluster whose spec.topology.version
// changed to the new version, one machine per tick, and then marks the
// Cluster Available at its generation. Status is written through the
// status subresource, as Cluster API's controllers do. A broken cluster
// is left not Available, its machines unrolled, until Fix.
type Topology struct {
	Dyn       dynamic.Interface
	Namespace string // "" for all
	Tick      time.Duration

	mu     sync.Mutex
	broken map[string]bool // namespace/name
	rolled map[string]int  // machines rolled per cluster
}

// Break keeps a cluster from ever becoming Available.
func (t *Topology) Break(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.broken == nil {
		t.broken = map[string]bool{}
	}
	t.broken[key] = true
}

// Fix lets a broken cluster finish its upgrade.
func (t *Topology) Fix(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.broken, key)
}

// Rolled is how many machines of a cluster the controller rolled.
func (t *Topology) Rolled(key string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rolled[key]
}

// Run plays the controller until ctx ends.
func (t *Topology) Run(ctx context.Context) {
	tick := t.Tick
	if tick == 0 {
		tick = 50 * time.Millisecond
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(tick):
		}
		list, err := t.Dyn.Resource(Clusters).Namespace(t.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			continue
		}
		for i := range list.Items {
			t.reconcile(ctx, &list.Items[i])
		}
	}
}

func (t *Topology) reconcile(ctx context.Context, c *unstructured.Unstructured) {
	version, _, _ := unstructured.NestedString(c.Object, "spec", "topology", "version")
	observed, _, _ := unstructured.NestedInt64(c.Object, "status", "observedGeneration")
	if version == "" || observed >= c.GetGeneration() {
		return
	}
	key := c.GetNamespace() + "/" + c.GetName()
	t.mu.Lock()
	broken := t.broken[key]
	t.mu.Unlock()
	if broken {
		t.status(ctx, c, "False", "ControlPlaneNotReady", "a new control plane machine never became ready", c.GetGeneration()-1)
		return
	}
	machines := t.Dyn.Resource(Machines).Namespace(c.GetNamespace())
	list, err := machines.List(ctx, metav1.ListOptions{LabelSelector: labels.Set{"cluster.x-k8s.io/cluster-name": c.GetName()}.String()})
	if err != nil {
		return
	}
	for i := range list.Items {
		m := &list.Items[i]
		if v, _, _ := unstructured.NestedString(m.Object, "spec", "version"); v == version {
			continue
		}
		_ = unstructured.SetNestedField(m.Object, version, "spec", "version")
		if _, err := machines.Update(ctx, m, metav1.UpdateOptions{}); err == nil {
			t.mu.Lock()
			if t.rolled == nil {
				t.rolled = map[string]int{}
			}
			t.rolled[key]++
			t.mu.Unlock()
		}
		t.status(ctx, c, "False", "RollingUpdateInProgress", "rolling machines to "+version, c.GetGeneration()-1)
		return
	}
	t.status(ctx, c, "True", "Available", "", c.GetGeneration())
}

// status writes the Available (and v1beta1 Ready) conditions through the
// status subresource.
func (t *Topology) status(ctx context.Context, c *unstructured.Unstructured, status, reason, message string, observed int64) {
	conds, _, _ := unstructured.NestedSlice(c.Object, "status", "conditions")
	set := map[string]bool{}
	now := time.Now().UTC().Format(time.RFC3339)
	for i, raw := range conds {
		m, ok := raw.(map[string]any)
		if !ok {
			continue
		}
		if tp, _ := m["type"].(string); tp == "Available" || tp == "Ready" {
			m["status"], m["reason"], m["message"], m["lastTransitionTime"] = status, reason, message, now
			conds[i], set[tp] = m, true
		}
	}
	if !set["Available"] {
		conds = append(conds, map[string]any{"type": "Available", "status": status, "reason": reason, "message": message, "lastTransitionTime": now})
	}
	_ = unstructured.SetNestedSlice(c.Object, conds, "status", "conditions")
	_ = unstructured.SetNestedField(c.Object, observed, "status", "observedGeneration")
	if observed >= c.GetGeneration() {
		_ = unstructured.SetNestedField(c.Object, "Provisioned", "status", "phase")
	}
	updated, err := t.Dyn.Resource(Clusters).Namespace(c.GetNamespace()).UpdateStatus(ctx, c, metav1.UpdateOptions{})
	if err == nil {
		c.Object = updated.Object
	}
}
