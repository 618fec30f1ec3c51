package upgraderuntest

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

var secrets = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}

// Upgradable describes a Cluster an upgrade run can take: Available at
// Version, with Machines copies of another cluster's machines and a
// kubeconfig Secret for its workload API server.
type Upgradable struct {
	Namespace, Name string
	Version, TKR    string // e.g. v1.29.9+vmware.1, v1.29.9---vmware.1-tkg.1
	Class           string // the ClusterClass of spec.topology
	Labels          map[string]string
	// MachinesOf names the cluster (namespace/name) whose Machines are
	// copied, their status included.
	MachinesOfNamespace, MachinesOf string
	Machines                        int
	Kubeconfig                      []byte
}

// Create writes the Cluster, its Machines and its kubeconfig Secret.
// Status goes through the status subresource, as Cluster API writes it.
func (u Upgradable) Create(ctx context.Context, dyn dynamic.Interface) error {
	labels := map[string]any{"run.tanzu.vmware.com/tkr": u.TKR}
	for k, v := range u.Labels {
		labels[k] = v
	}
	cluster := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
		"metadata": map[string]any{"name": u.Name, "namespace": u.Namespace, "labels": labels},
		"spec":     map[string]any{"topology": map[string]any{"classRef": map[string]any{"name": u.Class}, "version": u.Version}},
	}}
	created, err := dyn.Resource(Clusters).Namespace(u.Namespace).Create(ctx, cluster, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	replicas := map[string]any{"desiredReplicas": int64(1), "replicas": int64(1), "readyReplicas": int64(1), "availableReplicas": int64(1), "upToDateReplicas": int64(1)}
	created.Object["status"] = map[string]any{
		"phase": "Provisioned", "observedGeneration": created.GetGeneration(), "controlPlane": replicas, "workers": replicas,
		"conditions": []any{map[string]any{"type": "Available", "status": "True", "reason": "Available", "message": "",
			"lastTransitionTime": time.Now().UTC().Format(time.RFC3339), "observedGeneration": created.GetGeneration()}},
	}
	if _, err := dyn.Resource(Clusters).Namespace(u.Namespace).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		return err
	}
	list, err := dyn.Resource(Machines).Namespace(u.MachinesOfNamespace).List(ctx, metav1.ListOptions{LabelSelector: "cluster.x-k8s.io/cluster-name=" + u.MachinesOf})
	if err != nil {
		return err
	}
	if len(list.Items) < u.Machines {
		return fmt.Errorf("%s/%s has %d machines, not %d", u.MachinesOfNamespace, u.MachinesOf, len(list.Items), u.Machines)
	}
	for i, m := range list.Items[:u.Machines] {
		c := &unstructured.Unstructured{Object: map[string]any{"apiVersion": m.GetAPIVersion(), "kind": m.GetKind(), "spec": m.Object["spec"]}}
		c.SetNamespace(u.Namespace)
		c.SetName(fmt.Sprintf("%s-m%d", u.Name, i))
		c.SetLabels(map[string]string{"cluster.x-k8s.io/cluster-name": u.Name})
		_ = unstructured.SetNestedField(c.Object, u.Name, "spec", "clusterName")
		_ = unstructured.SetNestedField(c.Object, u.Version, "spec", "version")
		made, err := dyn.Resource(Machines).Namespace(u.Namespace).Create(ctx, c, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		made.Object["status"] = m.Object["status"]
		if _, err := dyn.Resource(Machines).Namespace(u.Namespace).UpdateStatus(ctx, made, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	secret := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "type": "cluster.x-k8s.io/secret",
		"metadata":   map[string]any{"name": u.Name + "-kubeconfig", "namespace": u.Namespace},
		"stringData": map[string]any{"value": string(u.Kubeconfig)}}}
	_, err = dyn.Resource(secrets).Namespace(u.Namespace).Create(ctx, secret, metav1.CreateOptions{})
	return err
}
