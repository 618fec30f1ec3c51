package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/rest"
)

// ClassName is the seeded ClusterClass, in the shape TKG 2.x ships.
const ClassName = "tkg-vsphere-default-v1.2.0"

// Namespaces of the seeded estate.
var Namespaces = []string{"tkg-system", "tkg-system-public", "team-a", "tanzu-packages", "tanzu-system-ingress", "vsphere-ns-1", "avi-system"}

// TKRs are the seeded TanzuKubernetesReleases: name → Kubernetes version.
var TKRs = []struct{ Name, Version string }{
	{"v1.29.9---vmware.1-tkg.1", "v1.29.9+vmware.1"},
	{"v1.30.2---vmware.1-tkg.1", "v1.30.2+vmware.1"},
	{"v1.31.1---vmware.2-tkg.2", "v1.31.1+vmware.2"},
}

// Pool is a worker machine deployment of a seeded cluster.
type Pool struct {
	Name          string
	Replicas      int
	Ready         int
	FailureDomain string
}

// Cluster describes one seeded workload cluster and its state.
type Cluster struct {
	Namespace, Name string
	Plan            string // dev or prod
	TKR             string
	Version         string
	ControlPlane    int
	ControlReady    int
	Pools           []Pool
	State           string // Available, Provisioning, Degraded, Failed, Deleting
	Message         string
	Management      bool
	AVI             bool // NSX ALB as control-plane HA provider
	Endpoint        string
	AuditLogging    bool
	HealthChecks    bool
}

// Clusters is the seeded estate.
var Clusters = []Cluster{
	{Namespace: "tkg-system", Name: "tkg-mgmt", Plan: "prod", TKR: "v1.30.2---vmware.1-tkg.1", Version: "v1.30.2+vmware.1",
		ControlPlane: 3, ControlReady: 3, Pools: []Pool{{"md-0", 2, 2, ""}}, State: "Available", Management: true, AVI: true,
		Endpoint: "10.20.0.10", AuditLogging: true, HealthChecks: true},
	{Namespace: "default", Name: "wc-prod-1", Plan: "prod", TKR: "v1.30.2---vmware.1-tkg.1", Version: "v1.30.2+vmware.1",
		ControlPlane: 3, ControlReady: 3, Pools: []Pool{{"md-0", 1, 1, "az-1"}, {"md-1", 1, 1, "az-2"}, {"md-2", 1, 1, "az-3"}},
		State: "Available", AVI: true, Endpoint: "10.20.0.21", AuditLogging: true, HealthChecks: true},
	{Namespace: "default", Name: "wc-dev-1", Plan: "dev", TKR: "v1.31.1---vmware.2-tkg.2", Version: "v1.31.1+vmware.2",
		ControlPlane: 1, ControlReady: 0, Pools: []Pool{{"md-0", 2, 0, ""}}, State: "Provisioning",
		Message:  "ControlPlaneAvailable: KubeadmControlPlane wc-dev-1-cp is waiting for the first control plane machine",
		Endpoint: "10.20.0.31", HealthChecks: true},
	{Namespace: "team-a", Name: "wc-team-a", Plan: "prod", TKR: "v1.29.9---vmware.1-tkg.1", Version: "v1.29.9+vmware.1",
		ControlPlane: 3, ControlReady: 3, Pools: []Pool{{"md-0", 3, 2, ""}}, State: "Degraded",
		Message: "WorkersAvailable: MachineDeployment wc-team-a-md-0: 2 of 3 replicas available", AVI: true, Endpoint: "10.20.1.11"},
	{Namespace: "team-a", Name: "wc-failed", Plan: "dev", TKR: "v1.30.2---vmware.1-tkg.1", Version: "v1.30.2+vmware.1",
		ControlPlane: 1, ControlReady: 0, Pools: []Pool{{"md-0", 1, 0, ""}}, State: "Failed",
		Message:  "VSphereMachine team-a/wc-failed-cp-7x2kq: unable to clone VM photon-5-kube-v1.30.2: datastore vsanDatastore has insufficient free space",
		Endpoint: "10.20.1.21"},
	{Namespace: "team-a", Name: "wc-retired", Plan: "dev", TKR: "v1.29.9---vmware.1-tkg.1", Version: "v1.29.9+vmware.1",
		ControlPlane: 1, ControlReady: 1, Pools: []Pool{{"md-0", 1, 1, ""}}, State: "Deleting", Endpoint: "10.20.1.31"},
}

// Objects returns every object of the seeded estate, in creation order.
// kubeconfig is stored as the kubeconfig Secret of the Available clusters,
// so fleet commands can reach a real API server through them.
func Objects(kubeconfig []byte, realPackages bool) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	add := func(m map[string]any) {
		out = append(out, &unstructured.Unstructured{Object: yamldoc.Normalize(m).(map[string]any)})
	}
	for _, ns := range Namespaces {
		add(obj("v1", "Namespace", "", ns, nil, nil))
	}
	add(clusterClass("default"))
	add(clusterClass("team-a"))
	add(clusterClass("tkg-system"))
	for _, t := range TKRs {
		add(tkr(t.Name, t.Version))
	}
	for _, c := range Clusters {
		for _, o := range clusterObjects(c, kubeconfig) {
			add(o)
		}
	}
	if realPackages {
		add(obj("v1", "Namespace", "", LocalRepositoryNamespace, nil, nil))
		add(LocalRepositoryObject())
	} else {
		for _, o := range packageObjects() {
			add(o)
		}
	}
	for _, o := range identityAndNetworkObjects() {
		add(o)
	}
	for _, o := range loadBalancingObjects(time.Now()) {
		add(o)
	}
	for _, o := range observeObjects() {
		add(o)
	}
	for _, o := range vsphereObjects() {
		add(o)
	}
	for _, o := range certificateObjects() {
		add(o)
	}
	for _, o := range postureObjects() {
		add(o)
	}
	return out
}

// Apply seeds the control plane at cfg. kubeconfig becomes the kubeconfig
// Secret of the Available clusters.
func Apply(ctx context.Context, cfg *rest.Config, kubeconfig []byte, realPackages bool) error {
	a, err := NewApplier(cfg)
	if err != nil {
		return err
	}
	if err := a.Apply(ctx, Objects(kubeconfig, realPackages)); err != nil {
		return fmt.Errorf("seeding the estate: %w", err)
	}
	return nil
}

func obj(apiVersion, kind, namespace, name string, labels map[string]any, rest map[string]any) map[string]any {
	md := map[string]any{"name": name}
	if namespace != "" {
		md["namespace"] = namespace
	}
	if len(labels) > 0 {
		md["labels"] = labels
	}
	m := map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": md}
	for k, v := range rest {
		m[k] = v
	}
	return m
}

// cond builds a condition; minutesAgo becomes its lastTransitionTime.
func cond(condType, status, reason, message string, minutesAgo int) map[string]any {
	return map[string]any{"type": condType, "status": status, "reason": reason, "message": message, "lastTransitionTime": minutesAgo}
}
