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

// TreeObjects are the objects trees are built from: machines, machine
// deployments, machine health checks and KubeadmControlPlanes, of one
// cluster or of every cluster of a namespace (or of all), each sorted by
// name.
type TreeObjects struct {
	Machines, MachineDeployments, MachineHealthChecks, ControlPlanes []unstructured.Unstructured
}

// ReadTreeObjects lists the tree objects in namespace ("" for all) at
// once, of the clusters selector matches (everything if empty): one round
// trip for every cluster there, instead of four per cluster.
func ReadTreeObjects(ctx context.Context, dyn dynamic.Interface, api API, namespace, selector string) (*TreeObjects, error) {
	return readTreeObjects(ctx, dyn, api, namespace, selector, true)
}

// ReadPoolObjects is ReadTreeObjects without the machines and control
// planes: what a tree's node pools and health checks are built from, for
// the views that read only those (audit). Machines are the longest of the
// lists, one per node.
func ReadPoolObjects(ctx context.Context, dyn dynamic.Interface, api API, namespace string) (*TreeObjects, error) {
	return readTreeObjects(ctx, dyn, api, namespace, "", false)
}

func readTreeObjects(ctx context.Context, dyn dynamic.Interface, api API, namespace, selector string, machines bool) (*TreeObjects, error) {
	list := func(ctx context.Context, gvr schema.GroupVersionResource, selector string) ([]unstructured.Unstructured, error) {
		l, err := dyn.Resource(gvr).Namespace(namespace).List(ctx, metav1.ListOptions{LabelSelector: selector})
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		sort.Slice(l.Items, func(i, j int) bool { return l.Items[i].GetName() < l.Items[j].GetName() })
		return l.Items, nil
	}
	objs := &TreeObjects{}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		objs.MachineDeployments, err = list(gctx, api.Resource("machinedeployments"), selector)
		return err
	})
	// A MachineHealthCheck names its cluster in spec, not in a label.
	g.Go(func() (err error) {
		objs.MachineHealthChecks, err = list(gctx, api.Resource("machinehealthchecks"), "")
		return err
	})
	if machines {
		g.Go(func() (err error) { objs.Machines, err = list(gctx, api.Resource("machines"), selector); return err })
	}
	if gvr, ok := api.GroupResource("controlplane.cluster.x-k8s.io", "kubeadmcontrolplanes"); ok && machines {
		g.Go(func() error {
			// Best effort: a tree shows the reference without it. Not
			// every control plane carries the cluster's label.
			objs.ControlPlanes, _ = list(gctx, gvr, "")
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return objs, nil
}

// BuildTree reads a cluster with its control plane, machine deployments,
// machines and machine health checks.
func BuildTree(ctx context.Context, dyn dynamic.Interface, api API, cluster *unstructured.Unstructured) (*Tree, error) {
	objs, err := ReadTreeObjects(ctx, dyn, api, cluster.GetNamespace(), labels.Set{LabelClusterName: cluster.GetName()}.String())
	if err != nil {
		return nil, fmt.Errorf("reading cluster %s: %w", cluster.GetName(), err)
	}
	return TreeFrom(cluster, objs), nil
}

// TreeFrom builds a cluster's tree from objects read for it, or for many
// clusters (ReadTreeObjects): it takes those of the cluster's own.
func TreeFrom(cluster *unstructured.Unstructured, objs *TreeObjects) *Tree {
	return TreeFromView(cluster, FromUnstructured(cluster), objs)
}

// TreeFromView is TreeFrom for a caller that has the cluster's view
// already: building it again is most of a small tree's cost.
func TreeFromView(cluster *unstructured.Unstructured, view Cluster, objs *TreeObjects) *Tree {
	ns, name := cluster.GetNamespace(), cluster.GetName()
	root := NodeFor(cluster)
	root.Ready, root.Message = readyFromView(view, root)
	owned := func(items []unstructured.Unstructured) []unstructured.Unstructured {
		var out []unstructured.Unstructured
		for _, u := range items {
			if u.GetNamespace() == ns && u.GetLabels()[LabelClusterName] == name {
				out = append(out, u)
			}
		}
		return out
	}
	machines, mds := owned(objs.Machines), owned(objs.MachineDeployments)
	cpRef, hasCP, _ := unstructured.NestedMap(cluster.Object, "spec", "controlPlaneRef")
	cpName, _ := cpRef["name"].(string)
	cpKind, _ := cpRef["kind"].(string)
	var cp *unstructured.Unstructured
	for i := range objs.ControlPlanes {
		if u := &objs.ControlPlanes[i]; cpKind == "KubeadmControlPlane" && u.GetNamespace() == ns && u.GetName() == cpName {
			cp = u
		}
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
	mhcs := objs.MachineHealthChecks
	for i := range mhcs {
		if cn, _, _ := unstructured.NestedString(mhcs[i].Object, "spec", "clusterName"); cn == name && mhcs[i].GetNamespace() == ns {
			n := NodeFor(&mhcs[i])
			if c, ok := wait.Find(n.Conditions, "RemediationAllowed"); ok {
				n.Ready, n.Reason, n.Message = c.Status, c.Reason, oneLine(c.Message)
			}
			healthy, _ := int64At(mhcs[i].Object, "status", "currentHealthy")
			expected, _ := int64At(mhcs[i].Object, "status", "expectedMachines")
			n.Replicas = fmt.Sprintf("%d/%d", healthy, expected)
			n.Selects = "workers"
			if selectsControlPlane(&mhcs[i]) {
				n.Selects = "control-plane"
			} else {
				n.Pools = selectedPools(&mhcs[i], mds, name)
			}
			tree.MachineHealthChecks = append(tree.MachineHealthChecks, n)
		}
	}
	sort.Slice(tree.MachineHealthChecks, func(i, j int) bool { return tree.MachineHealthChecks[i].Name < tree.MachineHealthChecks[j].Name })
	return tree
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
