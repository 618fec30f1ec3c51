package seed

import "time"

// loadBalancingObjects: AKO running in avi-system with a warning Event on
// its pod (as AKO emits them), a LoadBalancer Service AKO has not placed,
// kube-vip's cloud-provider pools with a Service it served, and a Service
// whose address lies in no pool (a status a former load balancer left). The
// StatefulSet's and Services' statuses are written as their controllers
// (the StatefulSet controller, AKO, kube-vip) would.
func loadBalancingObjects(now time.Time) []map[string]any {
	stamp := now.Add(-5 * time.Minute).UTC().Format(time.RFC3339)
	ako := obj("apps/v1", "StatefulSet", "avi-system", "ako", map[string]any{"app.kubernetes.io/name": "ako"}, map[string]any{
		"spec": map[string]any{
			"replicas": 1, "serviceName": "ako",
			"selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "ako"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": "ako"}},
				"spec":     map[string]any{"containers": []any{map[string]any{"name": "ako", "image": "projects.registry.vmware.com/tkg/ako:v1.12.1_vmware.1"}}},
			},
		},
		"status": map[string]any{"replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1, "availableReplicas": 1},
	})
	warning := obj("v1", "Event", "avi-system", "ako-0.seed-invalid-configuration", nil, map[string]any{
		"involvedObject": map[string]any{"kind": "Pod", "namespace": "avi-system", "name": "ako-0"},
		"reason":         "InvalidConfiguration", "type": "Warning", "count": 3,
		"message":        "vip network tkg-vip-pg: no free IP address in 10.20.8.0/24 for service tanzu-system-ingress/envoy-internal",
		"firstTimestamp": stamp, "lastTimestamp": stamp,
		"source": map[string]any{"component": "avi-kubernetes-operator"},
	})
	pending := obj("v1", "Service", "tanzu-system-ingress", "envoy-internal", map[string]any{"app": "envoy"}, map[string]any{
		"spec": map[string]any{
			"type": "LoadBalancer", "loadBalancerClass": "ako.vmware.com/avi-lb",
			"selector": map[string]any{"app": "envoy"},
			"ports":    []any{map[string]any{"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"}},
		},
	})
	kubeVIP := obj("v1", "ConfigMap", "kube-system", "kubevip", nil, map[string]any{
		"data": map[string]any{"cidr-global": "10.20.30.0/30", "range-team-a": "10.20.31.10-10.20.31.12"},
	})
	viaKubeVIP := obj("v1", "Service", "team-a", "grafana", map[string]any{"app": "grafana"}, map[string]any{
		"metadata": map[string]any{"name": "grafana", "namespace": "team-a", "annotations": map[string]any{"kube-vip.io/loadbalancerIPs": "10.20.30.1"}},
		"spec": map[string]any{
			"type": "LoadBalancer", "loadBalancerClass": "kube-vip.io/kube-vip-class",
			"selector": map[string]any{"app": "grafana"},
			"ports":    []any{map[string]any{"name": "http", "port": 80, "targetPort": 3000, "protocol": "TCP"}},
		},
		"status": map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "10.20.30.1"}}}},
	})
	stray := obj("v1", "Service", "team-a", "legacy-ftp", map[string]any{"app": "legacy-ftp"}, map[string]any{
		"spec": map[string]any{
			"type":     "LoadBalancer",
			"selector": map[string]any{"app": "legacy-ftp"},
			"ports":    []any{map[string]any{"name": "ftp", "port": 21, "targetPort": 2121, "protocol": "TCP"}},
		},
		"status": map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "10.98.0.5"}}}},
	})
	// The management cluster's own ADC, as TKG creates it.
	mgmt := obj("networking.tkg.tanzu.vmware.com/v1alpha1", "AKODeploymentConfig", "", "install-ako-for-management-cluster", nil, map[string]any{
		"spec": map[string]any{
			"adminCredentialRef":      map[string]any{"name": "avi-controller-credentials", "namespace": "tkg-system-networking"},
			"certificateAuthorityRef": map[string]any{"name": "avi-controller-ca", "namespace": "tkg-system-networking"},
			"cloudName":               "Default-Cloud",
			"controller":              "avi-ctrl.tko.example.com",
			"serviceEngineGroup":      "tkg-mgmt-seg",
			"dataNetwork":             map[string]any{"name": "tkg-mgmt-vip-pg", "cidr": "10.20.7.0/24", "ipPools": []any{map[string]any{"start": "10.20.7.100", "end": "10.20.7.119", "type": "V4"}}},
			"clusterSelector":         map[string]any{"matchLabels": map[string]any{"cluster-role.tkg.tanzu.vmware.com/management": ""}},
		},
	})
	return []map[string]any{ako, warning, pending, kubeVIP, viaKubeVIP, stray, mgmt}
}
