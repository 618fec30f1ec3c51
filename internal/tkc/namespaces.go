package tkc

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// VMOperatorGroup serves the VM classes of vSphere namespaces.
const VMOperatorGroup = "vmoperator.vmware.com"

// Requirement is the API group only a Supervisor serves: what reading
// vSphere namespaces needs.
var Requirement = kube.Requirement{Group: VMOperatorGroup, Name: VMOperatorGroup + " (VM Operator)",
	Hint: "it is not a vSphere with Tanzu Supervisor; point --context at the Supervisor (kubectl config get-contexts)"}

// LabelVSphereCluster is the label the Supervisor puts on the namespaces
// it makes for vSphere namespaces (the vSphere cluster they run on).
const LabelVSphereCluster = "vSphereClusterID"

// quotaSuffix ends the ResourceQuota key that allows a storage class in a
// namespace: <class>.storageclass.storage.k8s.io/requests.storage.
const quotaSuffix = ".storageclass.storage.k8s.io/requests.storage"

// StorageQuota is a storage class a namespace's ResourceQuota allows, with
// what is requested of it and its limit (quantities as the quota has them).
type StorageQuota struct {
	Class string `json:"class"`
	Used  string `json:"used"`
	Hard  string `json:"hard"`
}

// Namespace is a vSphere namespace of a Supervisor: the VM classes and
// storage classes its TanzuKubernetesClusters may use, and those clusters.
type Namespace struct {
	Name string `json:"name"`
	// VSphereCluster is the vSphere cluster the namespace runs on (the
	// Supervisor's label), when labelled.
	VSphereCluster string         `json:"vSphereCluster,omitempty"`
	VMClasses      []string       `json:"vmClasses"`
	StorageClasses []StorageQuota `json:"storageClasses"`
	TKCs           []string       `json:"tanzuKubernetesClusters"`
}

// StorageClassNames lists the storage classes the quota allows.
func (n Namespace) StorageClassNames() []string {
	out := make([]string, len(n.StorageClasses))
	for i, s := range n.StorageClasses {
		out[i] = s.Class
	}
	return out
}

// Namespaces reads the vSphere namespaces ("" namespace: every one; else
// that one, which must exist). A namespace is a vSphere namespace when it
// holds VirtualMachineClasses, VirtualMachineClassBindings or
// TanzuKubernetesClusters, or carries the Supervisor's vSphereClusterID
// label.
func Namespaces(ctx context.Context, dyn dynamic.Interface, served kube.Served, namespace string) ([]Namespace, error) {
	byName := map[string]*Namespace{}
	get := func(ns string) *Namespace {
		if byName[ns] == nil {
			byName[ns] = &Namespace{Name: ns, VMClasses: []string{}, StorageClasses: []StorageQuota{}, TKCs: []string{}}
		}
		return byName[ns]
	}
	nsGVR := schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	if namespace != "" {
		ns, err := dyn.Resource(nsGVR).Get(ctx, namespace, metav1.GetOptions{})
		switch {
		case apierrors.IsNotFound(err):
			return nil, namespaceNotFound(namespace)
		case apierrors.IsForbidden(err):
			// A vSphere namespace's users are bound in it alone: they may
			// not read the Namespace object, only what it holds.
			get(namespace)
		case err != nil:
			return nil, fmt.Errorf("reading namespace %s: %w", namespace, err)
		default:
			get(namespace).VSphereCluster = ns.GetLabels()[LabelVSphereCluster]
		}
	} else {
		labelled, err := dyn.Resource(nsGVR).List(ctx, metav1.ListOptions{LabelSelector: LabelVSphereCluster})
		if apierrors.IsForbidden(err) {
			return nil, &errs.ForbiddenError{Instead: ClusterWideInstead, Err: err}
		}
		if err != nil {
			return nil, fmt.Errorf("listing namespaces: %w", err)
		}
		for _, ns := range labelled.Items {
			get(ns.GetName()).VSphereCluster = ns.GetLabels()[LabelVSphereCluster]
		}
	}
	classes, err := listServed(ctx, dyn, served, VMOperatorGroup, "virtualmachineclasses", namespace)
	if err != nil {
		return nil, err
	}
	for _, c := range classes {
		n := get(c.GetNamespace())
		n.VMClasses = append(n.VMClasses, c.GetName())
	}
	bindings, err := listServed(ctx, dyn, served, VMOperatorGroup, "virtualmachineclassbindings", namespace)
	if err != nil {
		return nil, err
	}
	for _, b := range bindings {
		name, _, _ := unstructured.NestedString(b.Object, "classRef", "name")
		if name == "" {
			name = b.GetName()
		}
		n := get(b.GetNamespace())
		if !slices.Contains(n.VMClasses, name) {
			n.VMClasses = append(n.VMClasses, name)
		}
	}
	tkcs, err := listServed(ctx, dyn, served, Group, Resource, namespace)
	if err != nil {
		return nil, err
	}
	for _, t := range tkcs {
		n := get(t.GetNamespace())
		n.TKCs = append(n.TKCs, t.GetName())
	}
	if err := addQuotas(ctx, dyn, byName, namespace); err != nil {
		return nil, err
	}
	out := make([]Namespace, 0, len(byName))
	for _, n := range byName {
		sort.Strings(n.VMClasses)
		sort.Strings(n.TKCs)
		out = append(out, *n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Get reads one vSphere namespace: an *errs.NotFoundError when no
// namespace has the name, or when the one that does is not a vSphere
// namespace (no Supervisor label, VM classes or TanzuKubernetesClusters).
func Get(ctx context.Context, dyn dynamic.Interface, served kube.Served, name string) (Namespace, error) {
	spaces, err := Namespaces(ctx, dyn, served, name)
	if err != nil {
		return Namespace{}, err
	}
	n := spaces[0]
	if n.VSphereCluster == "" && len(n.VMClasses) == 0 && len(n.TKCs) == 0 {
		return Namespace{}, namespaceNotFound(name)
	}
	return n, nil
}

// ClusterWideInstead is what a user who may not list the Supervisor's
// namespaces (a DevOps user bound in some vSphere namespaces) can do: each
// of theirs can still be read by name.
const ClusterWideInstead = "name a vSphere namespace of yours (kubectl tko cluster vsphere-namespaces NAME), or use the context of one that 'kubectl tko auth login --vsphere' wrote"

func namespaceNotFound(name string) error {
	return &errs.NotFoundError{Kind: "vSphere namespace", Name: name, Hint: "list them with 'kubectl tko cluster vsphere-namespaces'"}
}

// addQuotas fills the storage classes of the namespaces found from their
// ResourceQuotas.
func addQuotas(ctx context.Context, dyn dynamic.Interface, byName map[string]*Namespace, namespace string) error {
	quotas, err := dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "resourcequotas"}).Namespace(namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing resource quotas: %w", err)
	}
	for _, q := range quotas.Items {
		n := byName[q.GetNamespace()]
		if n == nil {
			continue
		}
		hard, _, _ := unstructured.NestedStringMap(q.Object, "spec", "hard")
		used, _, _ := unstructured.NestedStringMap(q.Object, "status", "used")
		for key, limit := range hard {
			class, ok := strings.CutSuffix(key, quotaSuffix)
			if !ok {
				continue
			}
			u := used[key]
			if u == "" {
				u = "0"
			}
			n.StorageClasses = append(n.StorageClasses, StorageQuota{Class: class, Used: canonical(u), Hard: canonical(limit)})
		}
	}
	for _, n := range byName {
		sort.Slice(n.StorageClasses, func(i, j int) bool { return n.StorageClasses[i].Class < n.StorageClasses[j].Class })
	}
	return nil
}

func canonical(q string) string {
	if parsed, err := resource.ParseQuantity(q); err == nil {
		return parsed.String()
	}
	return q
}

// listServed lists a resource in every served version of its group that
// serves it, each object once (in the preferred version that has it).
// A version that does not serve the resource answers 404 and is skipped.
func listServed(ctx context.Context, dyn dynamic.Interface, served kube.Served, group, res, namespace string) ([]unstructured.Unstructured, error) {
	var out []unstructured.Unstructured
	seen := map[string]bool{}
	for _, v := range served[group] {
		list, err := dyn.Resource(schema.GroupVersionResource{Group: group, Version: v, Resource: res}).Namespace(namespace).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s.%s: %w", res, group, err)
		}
		for _, item := range list.Items {
			key := item.GetNamespace() + "/" + item.GetName()
			if !seen[key] {
				seen[key] = true
				out = append(out, item)
			}
		}
	}
	return out, nil
}
