package seed

import (
	"encoding/base64"
	"fmt"
	"strings"
)

const (
	capiV    = "cluster.x-k8s.io/v1beta2"
	kcpV     = "controlplane.cluster.x-k8s.io/v1beta2"
	infraV   = "infrastructure.cluster.x-k8s.io/v1beta1"
	bootV    = "bootstrap.cluster.x-k8s.io/v1beta2"
	infraAPI = "infrastructure.cluster.x-k8s.io"
)

func clusterLabels(c Cluster) map[string]any {
	l := map[string]any{
		"tkg.tanzu.vmware.com/cluster-name": c.Name,
		"run.tanzu.vmware.com/tkr":          c.TKR,
		"tanzuKubernetesRelease":            c.TKR,
	}
	if c.Management {
		l["cluster-role.tkg.tanzu.vmware.com/management"] = ""
	}
	// The AKO operator labels each cluster it selected with its ADC.
	switch {
	case c.AVI && c.Management:
		l["networking.tkg.tanzu.vmware.com/avi"] = "install-ako-for-management-cluster"
	case c.AVI:
		l["networking.tkg.tanzu.vmware.com/avi"] = "install-ako-for-all"
	}
	return l
}

func replicasStatus(desired, ready int) map[string]any {
	return map[string]any{"desiredReplicas": desired, "replicas": desired, "readyReplicas": ready, "availableReplicas": ready, "upToDateReplicas": desired}
}

func boolStr(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func clusterObjects(c Cluster, kubeconfig []byte) []map[string]any {
	workers, workersReady := 0, 0
	var mds []any
	for _, p := range c.Pools {
		md := map[string]any{"class": "tkg-worker", "name": p.Name, "replicas": p.Replicas,
			"metadata": map[string]any{"annotations": map[string]any{"run.tanzu.vmware.com/resolve-os-image": "image-type=ova,os-name=photon"}}}
		if p.FailureDomain != "" {
			md["failureDomain"] = p.FailureDomain
		}
		mds = append(mds, md)
		workers += p.Replicas
		workersReady += p.Ready
	}
	variables := []any{
		map[string]any{"name": "cni", "value": "antrea"},
		map[string]any{"name": "vcenter", "value": map[string]any{
			"server": "vcsa-01.tko.example.com", "datacenter": "/dc-01", "datastore": "/dc-01/datastore/vsanDatastore",
			"network": "/dc-01/network/tkg-workload-seg", "folder": "/dc-01/vm/tkg", "resourcePool": "/dc-01/host/cluster-01/Resources/tkg",
			"cloneMode": "fullClone", "template": "/dc-01/vm/templates/photon-5-kube-" + strings.Split(c.Version, "+")[0],
		}},
		map[string]any{"name": "aviAPIServerHAProvider", "value": c.AVI},
		map[string]any{"name": "auditLogging", "value": map[string]any{"enabled": c.AuditLogging}},
		map[string]any{"name": "controlPlaneCertificateRotation", "value": map[string]any{"activate": true, "daysBefore": 90}},
		map[string]any{"name": "podSecurityStandard", "value": map[string]any{"deactivated": false, "audit": "baseline", "warn": "baseline"}},
		map[string]any{"name": "ntpServers", "value": []any{"ntp-01.tko.example.com"}},
		map[string]any{"name": "clusterRole", "value": map[bool]string{true: "management", false: "workload"}[c.Management]},
	}
	if !c.AVI {
		variables = append(variables, map[string]any{"name": "apiServerEndpoint", "value": c.Endpoint})
	}
	topology := map[string]any{
		"classRef":     map[string]any{"name": ClassName},
		"version":      c.Version,
		"controlPlane": map[string]any{"replicas": c.ControlPlane, "metadata": map[string]any{"annotations": map[string]any{"run.tanzu.vmware.com/resolve-os-image": "image-type=ova,os-name=photon"}}},
		"workers":      map[string]any{"machineDeployments": mds},
		"variables":    variables,
	}

	available := c.State == "Available"
	phase := map[string]string{"Available": "Provisioned", "Degraded": "Provisioned", "Provisioning": "Provisioning", "Failed": "Failed", "Deleting": "Deleting"}[c.State]
	message := c.Message
	clusterConds := []any{
		cond("Available", boolStr(available), map[bool]string{true: "Available", false: "NotAvailable"}[available], message, 30),
		cond("InfrastructureReady", boolStr(c.State != "Failed"), "Ready", "", 120),
		cond("ControlPlaneInitialized", boolStr(c.ControlReady > 0), "Initialized", "", 110),
		cond("ControlPlaneAvailable", boolStr(c.ControlReady > 0), "Available", "", 100),
		cond("WorkersAvailable", boolStr(workersReady == workers && workers > 0), "Available", "", 90),
		cond("RemoteConnectionProbe", boolStr(c.ControlReady > 0), "ProbeSucceeded", "", 90),
		cond("TopologyReconciled", "True", "ReconcileSucceeded", "", 90),
	}
	status := map[string]any{
		"phase":              phase,
		"observedGeneration": 0,
		"conditions":         clusterConds,
		"controlPlane":       replicasStatus(c.ControlPlane, c.ControlReady),
		"workers":            replicasStatus(workers, workersReady),
		"initialization":     map[string]any{"infrastructureProvisioned": c.State != "Failed", "controlPlaneInitialized": c.ControlReady > 0},
	}
	if c.State == "Failed" {
		status["deprecated"] = map[string]any{"v1beta1": map[string]any{"failureReason": "CreateError", "failureMessage": c.Message}}
	}
	meta := map[string]any{"name": c.Name, "namespace": c.Namespace, "labels": clusterLabels(c),
		"annotations": map[string]any{"tkg/plan": c.Plan}}
	if c.State == "Deleting" {
		meta["finalizers"] = []any{"cluster.cluster.x-k8s.io"}
		meta["annotations"].(map[string]any)[deleteAnnotation] = "true"
	}
	spec := map[string]any{
		"clusterNetwork": map[string]any{
			"pods":     map[string]any{"cidrBlocks": []any{"100.96.0.0/11"}},
			"services": map[string]any{"cidrBlocks": []any{"100.64.0.0/13"}},
		},
		"controlPlaneEndpoint": map[string]any{"host": c.Endpoint, "port": 6443},
		"topology":             topology,
		"controlPlaneRef":      map[string]any{"apiGroup": "controlplane.cluster.x-k8s.io", "kind": "KubeadmControlPlane", "name": c.Name + "-cp"},
		"infrastructureRef":    map[string]any{"apiGroup": infraAPI, "kind": "VSphereCluster", "name": c.Name},
	}
	cluster := map[string]any{"apiVersion": capiV, "kind": "Cluster", "metadata": meta, "spec": spec, "status": status}

	cpName := c.Name + "-cp"
	labels := map[string]any{"cluster.x-k8s.io/cluster-name": c.Name, "topology.cluster.x-k8s.io/owned": ""}
	kcp := obj(kcpV, "KubeadmControlPlane", c.Namespace, cpName, labels, map[string]any{
		"spec": map[string]any{
			"replicas": c.ControlPlane,
			"version":  c.Version,
			"machineTemplate": map[string]any{"spec": map[string]any{
				"infrastructureRef": map[string]any{"apiGroup": infraAPI, "kind": "VSphereMachineTemplate", "name": cpName},
			}},
			// What TKG's controlPlaneCertificateRotation (daysBefore 90) patches in.
			"rollout": map[string]any{"before": map[string]any{"certificatesExpiryDays": 90}},
			"kubeadmConfigSpec": map[string]any{"clusterConfiguration": map[string]any{
				"apiServer": map[string]any{"extraArgs": []any{
					map[string]any{"name": "audit-log-path", "value": "/var/log/kubernetes/audit.log"},
				}},
			}},
		},
		"status": map[string]any{
			"observedGeneration": 0,
			"replicas":           c.ControlPlane, "readyReplicas": c.ControlReady, "availableReplicas": c.ControlReady, "upToDateReplicas": c.ControlPlane,
			"version":        c.Version,
			"initialization": map[string]any{"controlPlaneInitialized": c.ControlReady > 0},
			"conditions": []any{
				cond("Available", boolStr(c.ControlReady > 0), "Available", "", 100),
				cond("CertificatesAvailable", "True", "Available", "", 110),
				cond("EtcdClusterHealthy", boolStr(c.ControlReady > 0), "Healthy", "", 100),
				cond("MachinesReady", boolStr(c.ControlReady == c.ControlPlane), "Ready", "", 100),
			},
		},
	})
	out := []map[string]any{cluster, kcp}
	for i := 0; i < c.ControlPlane; i++ {
		out = append(out, machine(c, cpName, fmt.Sprintf("%s-%s", cpName, suffix(c.Name, i)), "", i < c.ControlReady, true))
	}
	for _, p := range c.Pools {
		mdName := c.Name + "-" + p.Name
		mdLabels := map[string]any{"cluster.x-k8s.io/cluster-name": c.Name, "topology.cluster.x-k8s.io/owned": "", "topology.cluster.x-k8s.io/deployment-name": p.Name}
		tmpl := map[string]any{
			"clusterName":       c.Name,
			"version":           c.Version,
			"bootstrap":         map[string]any{"configRef": map[string]any{"apiGroup": "bootstrap.cluster.x-k8s.io", "kind": "KubeadmConfigTemplate", "name": mdName}},
			"infrastructureRef": map[string]any{"apiGroup": infraAPI, "kind": "VSphereMachineTemplate", "name": mdName},
		}
		if p.FailureDomain != "" {
			tmpl["failureDomain"] = p.FailureDomain
		}
		out = append(out, obj(capiV, "MachineDeployment", c.Namespace, mdName, mdLabels, map[string]any{
			"spec": map[string]any{
				"clusterName": c.Name,
				"replicas":    p.Replicas,
				"selector":    map[string]any{"matchLabels": map[string]any{"cluster.x-k8s.io/deployment-name": mdName}},
				"template":    map[string]any{"metadata": map[string]any{"labels": map[string]any{"cluster.x-k8s.io/deployment-name": mdName, "cluster.x-k8s.io/cluster-name": c.Name}}, "spec": tmpl},
			},
			"status": map[string]any{
				"observedGeneration": 0,
				"phase":              map[bool]string{true: "Running", false: "ScalingUp"}[p.Ready == p.Replicas],
				"replicas":           p.Replicas, "readyReplicas": p.Ready, "availableReplicas": p.Ready, "upToDateReplicas": p.Replicas,
				"conditions": []any{
					cond("Available", boolStr(p.Ready == p.Replicas), "Available", map[bool]string{true: "", false: fmt.Sprintf("%d of %d replicas available", p.Ready, p.Replicas)}[p.Ready == p.Replicas], 60),
					cond("MachinesReady", boolStr(p.Ready == p.Replicas), "Ready", "", 60),
				},
			},
		}))
		for i := 0; i < p.Replicas; i++ {
			out = append(out, machine(c, mdName, fmt.Sprintf("%s-%s", mdName, suffix(mdName, i)), p.FailureDomain, i < p.Ready, false))
		}
	}
	if c.HealthChecks {
		for _, target := range []struct{ name, key string }{{c.Name + "-cp-mhc", "cluster.x-k8s.io/control-plane"}, {c.Name + "-md-mhc", "cluster.x-k8s.io/deployment-name"}} {
			out = append(out, obj(capiV, "MachineHealthCheck", c.Namespace, target.name, map[string]any{"cluster.x-k8s.io/cluster-name": c.Name}, map[string]any{
				"spec": map[string]any{
					"clusterName": c.Name,
					"selector":    map[string]any{"matchExpressions": []any{map[string]any{"key": target.key, "operator": "Exists"}}},
					"checks": map[string]any{
						"nodeStartupTimeoutSeconds": 1200,
						"unhealthyNodeConditions": []any{
							map[string]any{"type": "Ready", "status": "Unknown", "timeoutSeconds": 300},
							map[string]any{"type": "Ready", "status": "False", "timeoutSeconds": 300},
						},
					},
				},
				"status": map[string]any{"observedGeneration": 0, "expectedMachines": 1, "currentHealthy": 1, "remediationsAllowed": 1,
					"conditions": []any{cond("RemediationAllowed", "True", "RemediationAllowed", "", 100)}},
			}))
		}
	}
	if available || c.State == "Degraded" {
		out = append(out, clusterCASecrets(c, kubeconfig)...)
		out = append(out, obj("v1", "Secret", c.Namespace, c.Name+"-kubeconfig", map[string]any{"cluster.x-k8s.io/cluster-name": c.Name}, map[string]any{
			"type": "cluster.x-k8s.io/secret",
			"data": map[string]any{"value": base64.StdEncoding.EncodeToString(kubeconfig)},
		}))
	}
	return out
}

func suffix(seed string, i int) string {
	const letters = "bcdfghjklmnpqrstvwxz2456789"
	h := 0
	for _, r := range seed {
		h = h*31 + int(r)
	}
	h += i * 7919
	s := make([]byte, 5)
	for j := range s {
		if h < 0 {
			h = -h
		}
		s[j] = letters[h%len(letters)]
		h /= len(letters)
		h += j * 131
	}
	return string(s)
}

func machine(c Cluster, owner, name, fd string, ready, controlPlane bool) map[string]any {
	labels := map[string]any{"cluster.x-k8s.io/cluster-name": c.Name}
	if controlPlane {
		labels["cluster.x-k8s.io/control-plane"] = ""
		labels["cluster.x-k8s.io/control-plane-name"] = owner
	} else {
		labels["cluster.x-k8s.io/deployment-name"] = owner
	}
	status := map[string]any{
		"observedGeneration": 0,
		"phase":              map[bool]string{true: "Running", false: "Provisioning"}[ready],
		"conditions": []any{
			cond("Available", boolStr(ready), "Available", "", 60),
			cond("Ready", boolStr(ready), "Ready", map[bool]string{true: "", false: "waiting for the VM to be provisioned"}[ready], 60),
			cond("NodeHealthy", boolStr(ready), "NodeHealthy", "", 60),
			cond("BootstrapConfigReady", "True", "Ready", "", 60),
			cond("InfrastructureReady", boolStr(ready), "Ready", "", 60),
		},
	}
	if ready {
		if controlPlane {
			// As Cluster API sets it from the node's kubeadm certificates,
			// which last a year from the node's creation.
			status["certificatesExpiryDate"] = certificatesExpiry(name)
		}
		status["nodeRef"] = map[string]any{"name": name}
		status["addresses"] = []any{map[string]any{"type": "ExternalIP", "address": "10.20.0." + fmt.Sprint(100+len(name)%100)}}
	}
	spec := map[string]any{
		"clusterName":       c.Name,
		"version":           c.Version,
		"bootstrap":         map[string]any{"dataSecretName": name},
		"infrastructureRef": map[string]any{"apiGroup": infraAPI, "kind": "VSphereMachine", "name": name},
	}
	if fd != "" {
		spec["failureDomain"] = fd
	}
	return obj(capiV, "Machine", c.Namespace, name, labels, map[string]any{"spec": spec, "status": status})
}
