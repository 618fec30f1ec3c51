package capi

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Labels Cluster API puts on the objects of a cluster.
const (
	LabelClusterName    = "cluster.x-k8s.io/cluster-name"
	LabelControlPlane   = "cluster.x-k8s.io/control-plane"
	LabelDeploymentName = "cluster.x-k8s.io/deployment-name"
	LabelTopologyMD     = "topology.cluster.x-k8s.io/deployment-name"
)

// Node is one object of a cluster's tree, as `describe` shows it.
type Node struct {
	Kind       string           `json:"kind"`
	Name       string           `json:"name"`
	Ready      string           `json:"ready"` // True, False, Unknown or "" when not reported
	Severity   string           `json:"severity,omitempty"`
	Reason     string           `json:"reason,omitempty"`
	Message    string           `json:"message,omitempty"`
	Since      *time.Time       `json:"since,omitempty"`
	Replicas   string           `json:"replicas,omitempty"` // ready/desired for control planes and pools
	Selects    string           `json:"selects,omitempty"`  // MachineHealthChecks: control-plane or workers
	Pools      []string         `json:"pools,omitempty"`    // MachineHealthChecks of workers: the node pools selected
	Conditions []wait.Condition `json:"conditions,omitempty"`
	Children   []*Node          `json:"children,omitempty"`
}

// Tree is the describe view of one cluster.
type Tree struct {
	Cluster             Cluster `json:"cluster"`
	Root                *Node   `json:"tree"`
	MachineHealthChecks []*Node `json:"machineHealthChecks"`
}

// readyTypes are the condition types that say whether an object is ready,
// in order of preference (v1beta2 first, then v1beta1).
var readyTypes = []string{"Available", "Ready"}

// NodeFor summarises an object by its readiness condition.
func NodeFor(u *unstructured.Unstructured) *Node {
	n := &Node{Kind: u.GetKind(), Name: u.GetName()}
	conds := objectConditions(u)
	n.Conditions = conds
	for _, t := range readyTypes {
		if c, ok := wait.Find(conds, t); ok {
			n.Ready, n.Reason, n.Message = c.Status, c.Reason, oneLine(c.Message)
			n.Severity = severity(c)
			if ts, err := time.Parse(time.RFC3339, c.LastTransitionTime); err == nil {
				n.Since = &ts
			}
			break
		}
	}
	if n.Message == "" && n.Ready == "False" {
		n.Message = firstFalse(conds)
	}
	if u.GetDeletionTimestamp() != nil {
		n.Severity, n.Reason = "Info", "Deleting"
	}
	return n
}

// objectConditions reads v1beta2 conditions where they are, falling back
// to the v1beta1 shape.
func objectConditions(u *unstructured.Unstructured) []wait.Condition {
	if strings.HasSuffix(u.GetAPIVersion(), "/v1beta1") {
		if c := wait.Conditions(u, "status", "v1beta2", "conditions"); len(c) > 0 {
			return c
		}
	}
	return wait.Conditions(u)
}

// severity uses the v1beta1 severity when given; v1beta2 conditions have
// none, so a False readiness is a Warning unless the reason says failure.
func severity(c wait.Condition) string {
	if c.Severity != "" {
		return c.Severity
	}
	if c.Status != "False" {
		return ""
	}
	r := strings.ToLower(c.Reason)
	if strings.Contains(r, "fail") || strings.Contains(r, "error") {
		return "Error"
	}
	return "Warning"
}

// BuildTree reads a cluster with its control plane, machine deployments,
// machines and machine health checks.
func BuildTree(ctx context.Context, dyn dynamic.Interface, api API, cluster *unstructured.Unstructured) (*Tree, error) {
	ns, name := cluster.GetNamespace(), cluster.GetName()
	view := FromUnstructured(cluster)
	root := NodeFor(cluster)
	root.Ready, root.Message = readyFromView(view, root)
	sel := labels.Set{LabelClusterName: name}.String()
	list := func(ctx context.Context, resource string) ([]unstructured.Unstructured, error) {
		l, err := dyn.Resource(api.Resource(resource)).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return nil, fmt.Errorf("listing %s of cluster %s: %w", resource, name, err)
		}
		sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].GetName() < l.Items[j].GetName() })
		return l.Items, nil
	}
	// The reads are independent: one round trip for the tree, not four.
	var (
		machines, mds []unstructured.Unstructured
		mhcs          *unstructured.UnstructuredList
		cp            *unstructured.Unstructured
	)
	cpRef, hasCP, _ := unstructured.NestedMap(cluster.Object, "spec", "controlPlaneRef")
	cpName, _ := cpRef["name"].(string)
	cpKind, _ := cpRef["kind"].(string)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { machines, err = list(gctx, "machines"); return err })
	g.Go(func() (err error) { mds, err = list(gctx, "machinedeployments"); return err })
	g.Go(func() error {
		l, err := dyn.Resource(api.Resource("machinehealthchecks")).Namespace(ns).List(gctx, metav1.ListOptions{})
		if err != nil {
			return fmt.Errorf("listing machine health checks: %w", err)
		}
		mhcs = l
		return nil
	})
	if gvr, ok := api.GroupResource("controlplane.cluster.x-k8s.io", "kubeadmcontrolplanes"); ok && hasCP && cpKind == "KubeadmControlPlane" {
		g.Go(func() error {
			// Best effort: the tree shows the reference without it.
			if u, err := dyn.Resource(gvr).Namespace(ns).Get(gctx, cpName, metav1.GetOptions{}); err == nil {
				cp = u
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Control plane.
	if hasCP {
		cpNode := &Node{Kind: cpKind, Name: cpName, Replicas: view.ControlPlane.String()}
		if cp != nil {
			cpNode = NodeFor(cp)
			cpNode.Replicas = view.ControlPlane.String()
		}
		for i := range machines {
			if _, isCP := machines[i].GetLabels()[LabelControlPlane]; isCP {
				cpNode.Children = append(cpNode.Children, NodeFor(&machines[i]))
			}
		}
		root.Children = append(root.Children, cpNode)
	}
	// Workers.
	if len(mds) > 0 {
		workers := &Node{Kind: "Workers", Name: "", Replicas: view.Workers.String()}
		for i := range mds {
			md := NodeFor(&mds[i])
			if r, ok := int64At(mds[i].Object, "spec", "replicas"); ok {
				ready, _ := int64At(mds[i].Object, "status", "readyReplicas")
				if strings.HasSuffix(mds[i].GetAPIVersion(), "/v1beta1") {
					if v, ok := int64At(mds[i].Object, "status", "v1beta2", "readyReplicas"); ok {
						ready = v
					}
				}
				md.Replicas = fmt.Sprintf("%d/%d", ready, r)
			}
			for j := range machines {
				if machines[j].GetLabels()[LabelDeploymentName] == mds[i].GetName() {
					md.Children = append(md.Children, NodeFor(&machines[j]))
				}
			}
			workers.Children = append(workers.Children, md)
		}
		root.Children = append(root.Children, workers)
	}
	tree := &Tree{Cluster: view, Root: root, MachineHealthChecks: []*Node{}}
	for i := range mhcs.Items {
		if cn, _, _ := unstructured.NestedString(mhcs.Items[i].Object, "spec", "clusterName"); cn == name {
			n := NodeFor(&mhcs.Items[i])
			if c, ok := wait.Find(n.Conditions, "RemediationAllowed"); ok {
				n.Ready, n.Reason, n.Message = c.Status, c.Reason, oneLine(c.Message)
			}
			healthy, _ := int64At(mhcs.Items[i].Object, "status", "currentHealthy")
			expected, _ := int64At(mhcs.Items[i].Object, "status", "expectedMachines")
			n.Replicas = fmt.Sprintf("%d/%d", healthy, expected)
			n.Selects = "workers"
			if selectsControlPlane(&mhcs.Items[i]) {
				n.Selects = "control-plane"
			} else {
				n.Pools = selectedPools(&mhcs.Items[i], mds, name)
			}
			tree.MachineHealthChecks = append(tree.MachineHealthChecks, n)
		}
	}
	sort.Slice(tree.MachineHealthChecks, func(i, j int) bool { return tree.MachineHealthChecks[i].Name < tree.MachineHealthChecks[j].Name })
	return tree, nil
}

// readyFromView makes the cluster's row agree with `list`: deleting,
// paused and failed clusters say so.
func readyFromView(c Cluster, n *Node) (string, string) {
	switch c.Status {
	case StatusFailed:
		n.Severity = "Error"
		return "False", c.Message
	case StatusDeleting, StatusPaused:
		n.Severity, n.Reason = "Info", c.Status
		return n.Ready, c.Message
	}
	return n.Ready, n.Message
}

// Walk visits nodes depth first with their depth and whether each is the
// last child, for drawing.
func (n *Node) Walk(visit func(n *Node, prefix string)) {
	visit(n, "")
	var rec func(children []*Node, indent string)
	rec = func(children []*Node, indent string) {
		for i, c := range children {
			last := i == len(children)-1
			branch, next := "├─", "│ "
			if last {
				branch, next = "└─", "  "
			}
			visit(c, indent+branch)
			rec(c.Children, indent+next)
		}
	}
	rec(n.Children, "")
}

// selectsControlPlane reports whether a MachineHealthCheck's selector
// targets control-plane machines.
func selectsControlPlane(mhc *unstructured.Unstructured) bool {
	labelsSel, _, _ := unstructured.NestedStringMap(mhc.Object, "spec", "selector", "matchLabels")
	if _, ok := labelsSel[LabelControlPlane]; ok {
		return true
	}
	exprs, _, _ := unstructured.NestedSlice(mhc.Object, "spec", "selector", "matchExpressions")
	for _, e := range exprs {
		if m, ok := e.(map[string]any); ok && m["key"] == LabelControlPlane && m["operator"] != "DoesNotExist" {
			return true
		}
	}
	return false
}

// PoolName is a MachineDeployment's node pool: its topology name, else its own.
func PoolName(md *unstructured.Unstructured) string {
	if p := md.GetLabels()[LabelTopologyMD]; p != "" {
		return p
	}
	return md.GetName()
}

// selectedPools names the pools whose machines a MachineHealthCheck's
// selector matches: a machine carries its MachineDeployment's template
// labels, the cluster name and the deployment name.
func selectedPools(mhc *unstructured.Unstructured, mds []unstructured.Unstructured, cluster string) []string {
	raw, _, _ := unstructured.NestedMap(mhc.Object, "spec", "selector")
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return nil
	}
	var out []string
	for i := range mds {
		set := labels.Set{LabelClusterName: cluster, LabelDeploymentName: mds[i].GetName()}
		tmpl, _, _ := unstructured.NestedStringMap(mds[i].Object, "spec", "template", "metadata", "labels")
		for k, v := range tmpl {
			set[k] = v
		}
		if sel.Matches(set) {
			out = append(out, PoolName(&mds[i]))
		}
	}
	return out
}

// GetTKC reads a vSphere with Tanzu TanzuKubernetesCluster, trying each
// version the run.tanzu.vmware.com group serves; nil when there is none.
func GetTKC(ctx context.Context, dyn dynamic.Interface, api API, namespace, name string) (*unstructured.Unstructured, error) {
	for _, v := range api.Versions[TKRGroup] {
		gvr := schema.GroupVersionResource{Group: TKRGroup, Version: v, Resource: "tanzukubernetesclusters"}
		u, err := dyn.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
		switch {
		case err == nil:
			return u, nil
		case apierrors.IsNotFound(err), apierrors.IsForbidden(err):
			continue
		default:
			return nil, fmt.Errorf("getting TanzuKubernetesCluster %s/%s: %w", namespace, name, err)
		}
	}
	return nil, nil
}

// TKCTree is the describe view of a TanzuKubernetesCluster: the TKC and
// its node pools (its Cluster API objects live in the Supervisor, which
// this view does not reach).
func TKCTree(u *unstructured.Unstructured) *Tree {
	view := FromTKC(u)
	root := NodeFor(u)
	root.Replicas = fmt.Sprintf("%d", view.ControlPlane.Desired)
	pools, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "nodePools")
	for _, p := range pools {
		m, ok := p.(map[string]any)
		if !ok {
			continue
		}
		n := &Node{Kind: "NodePool"}
		n.Name, _ = m["name"].(string)
		if r, ok := int64At(m, "replicas"); ok {
			n.Replicas = fmt.Sprintf("%d", r)
		}
		root.Children = append(root.Children, n)
	}
	return &Tree{Cluster: view, Root: root}
}
