package seed

// kappCond is kapp-controller's condition shape (no transition time).
func kappCond(condType, message string) map[string]any {
	c := map[string]any{"type": condType, "status": "True"}
	if message != "" {
		c["message"] = message
	}
	return c
}

// packageObjects are the shared-services installs of the TKO reference
// design, with the statuses kapp-controller writes.
func packageObjects() []map[string]any {
	const pkgV = "packaging.carvel.dev/v1alpha1"
	repo := obj(pkgV, "PackageRepository", "tkg-system", "tanzu-standard", nil, map[string]any{
		"spec": map[string]any{"fetch": map[string]any{"imgpkgBundle": map[string]any{"image": "projects.registry.vmware.com/tkg/packages/standard/repo:v2024.8.21"}}},
		"status": map[string]any{
			"observedGeneration": 0, "friendlyDescription": "Reconcile succeeded", "consecutiveReconcileSuccesses": 12,
			"conditions": []any{kappCond("ReconcileSucceeded", "")},
		},
	})
	out := []map[string]any{repo}
	installs := []struct {
		name, ref, version, state, errMsg string
	}{
		{"cert-manager", "cert-manager.tanzu.vmware.com", "1.13.3+vmware.1-tkg.1", "ReconcileSucceeded", ""},
		{"contour", "contour.tanzu.vmware.com", "1.26.1+vmware.1-tkg.1", "ReconcileSucceeded", ""},
		{"fluent-bit", "fluent-bit.tanzu.vmware.com", "2.1.6+vmware.1-tkg.1", "ReconcileSucceeded", ""},
		{"prometheus", "prometheus.tanzu.vmware.com", "2.45.0+vmware.1-tkg.1", "ReconcileFailed",
			"kapp: Error: waiting on reconcile deployment/prometheus-server (apps/v1) namespace: tanzu-system-monitoring:\n  Finished unsuccessfully (Deployment is not progressing: ProgressDeadlineExceeded (message: ReplicaSet \"prometheus-server-5d8f7\" has timed out progressing.))"},
	}
	for _, in := range installs {
		status := map[string]any{
			"observedGeneration": 0, "version": in.version, "lastAttemptedVersion": in.version,
			"friendlyDescription": map[string]string{"ReconcileSucceeded": "Reconcile succeeded", "ReconcileFailed": "Reconcile failed: Error (see .status.usefulErrorMessage for details)"}[in.state],
			"conditions":          []any{kappCond(in.state, "")},
		}
		if in.errMsg != "" {
			status["usefulErrorMessage"] = in.errMsg
		}
		out = append(out,
			obj("v1", "Secret", "tanzu-packages", in.name+"-tanzu-packages-values", map[string]any{"tkg.tanzu.vmware.com/package-name": in.name}, map[string]any{
				"type":       "Opaque",
				"stringData": map[string]any{"values.yaml": "namespace: tanzu-system-" + in.name + "\n"},
			}),
			obj(pkgV, "PackageInstall", "tanzu-packages", in.name, nil, map[string]any{
				"metadata": map[string]any{"name": in.name, "namespace": "tanzu-packages", "annotations": map[string]any{
					"tkg.tanzu.vmware.com/tanzu-package-ClusterRole":        in.name + "-tanzu-packages-cluster-role",
					"tkg.tanzu.vmware.com/tanzu-package-ClusterRoleBinding": in.name + "-tanzu-packages-cluster-rolebinding",
					"tkg.tanzu.vmware.com/tanzu-package-ServiceAccount":     "tanzu-packages/" + in.name + "-tanzu-packages-sa",
					"tkg.tanzu.vmware.com/tanzu-package-Secret":             "tanzu-packages/" + in.name + "-tanzu-packages-values",
				}},
				"spec": map[string]any{
					"serviceAccountName": in.name + "-tanzu-packages-sa",
					"packageRef":         map[string]any{"refName": in.ref, "versionSelection": map[string]any{"constraints": in.version}},
					"values":             []any{map[string]any{"secretRef": map[string]any{"name": in.name + "-tanzu-packages-values"}}},
				},
				"status": status,
			}))
	}
	return out
}

// identityAndNetworkObjects: Pinniped, AKO and a LoadBalancer Service.
func identityAndNetworkObjects() []map[string]any {
	jwt := obj("authentication.concierge.pinniped.dev/v1alpha1", "JWTAuthenticator", "", "tkg-jwt-authenticator", nil, map[string]any{
		"spec": map[string]any{
			"issuer":   "https://pinniped-supervisor.tko.example.com/provider/pinniped",
			"audience": "tkg-mgmt-4b2d9c",
		},
		"status": map[string]any{
			"phase": "Ready",
			"conditions": []any{
				cond("Ready", "True", "Success", "authenticator initialized", 300),
				cond("DiscoveryURLValid", "True", "Success", "issuer is a valid URL", 300),
				cond("JWKSFetchValid", "True", "Success", "successfully fetched jwks", 300),
			},
		},
	})
	adc := obj("networking.tkg.tanzu.vmware.com/v1alpha1", "AKODeploymentConfig", "", "install-ako-for-all", nil, map[string]any{
		"spec": map[string]any{
			"adminCredentialRef":      map[string]any{"name": "avi-controller-credentials", "namespace": "tkg-system-networking"},
			"certificateAuthorityRef": map[string]any{"name": "avi-controller-ca", "namespace": "tkg-system-networking"},
			"cloudName":               "Default-Cloud",
			"controller":              "avi-ctrl.tko.example.com",
			"serviceEngineGroup":      "tkg-workload-seg",
			"dataNetwork":             map[string]any{"name": "tkg-vip-pg", "cidr": "10.20.8.0/24"},
			"controlPlaneNetwork":     map[string]any{"name": "tkg-cp-vip-pg", "cidr": "10.20.9.0/24"},
			"clusterSelector":         map[string]any{"matchLabels": map[string]any{"networking.tkg.tanzu.vmware.com/avi": "install-ako-for-all"}},
			"extraConfigs":            map[string]any{"disableStaticRouteSync": true, "ingress": map[string]any{"defaultIngressController": false}},
		},
	})
	svc := obj("v1", "Service", "tanzu-system-ingress", "envoy", map[string]any{"app": "envoy"}, map[string]any{
		"spec": map[string]any{
			"type":     "LoadBalancer",
			"selector": map[string]any{"app": "envoy"},
			"ports": []any{
				map[string]any{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
				map[string]any{"name": "https", "port": 443, "targetPort": 8443, "protocol": "TCP"},
			},
		},
		// As AKO writes it once NSX ALB has placed the virtual service.
		"status": map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": "10.20.8.15"}}}},
	})
	// TKG publishes the supervisor of the management cluster here.
	info := obj("v1", "ConfigMap", "kube-public", "pinniped-info", nil, map[string]any{
		"data": map[string]any{
			"cluster_name":          "tkg-mgmt",
			"issuer":                "https://pinniped-supervisor.tko.example.com/provider/pinniped",
			"issuer_ca_bundle_data": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJkemNDQVIyZ0F3SUJBZ0lCQURBS0JnZ3Foa2pPUFFRREFqQWpNU0V3SHdZRFZRUURERGh3YVc1dWFYQmxaQzF6ZFhCbGNuWnBjMjl5CkxTMHRMUzFGVGtRZ1EwVlNWRWxHU1VOQlZFVXRMUzB0TFFvPQotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==",
		},
	})
	// A vSphere with Tanzu guest cluster, as the TKC controller reports it.
	tkc := obj("run.tanzu.vmware.com/v1alpha2", "TanzuKubernetesCluster", "vsphere-ns-1", "tkc-guest-1", nil, map[string]any{
		"spec": map[string]any{
			"distribution": map[string]any{"fullVersion": "v1.26.5+vmware.2-fips.1-tkg.1"},
			"topology": map[string]any{
				"controlPlane": map[string]any{"replicas": 3, "vmClass": "best-effort-medium", "storageClass": "vsan-default-storage-policy",
					"tkr": map[string]any{"reference": map[string]any{"name": "v1.26.5---vmware.2-fips.1-tkg.1"}}},
				"nodePools": []any{map[string]any{"name": "np-1", "replicas": 3, "vmClass": "best-effort-large", "storageClass": "vsan-default-storage-policy"}},
			},
		},
		"status": map[string]any{
			"phase": "running", "version": "v1.26.5+vmware.2-fips.1", "totalWorkerReplicas": 3,
			"conditions": []any{cond("Ready", "True", "", "", 2000), cond("TanzuKubernetesReleaseCompatible", "True", "", "", 2000)},
		},
	})
	return []map[string]any{jwt, adc, svc, info, tkc}
}

// PostureError is the seeded security posture error (CIS 5.1.1): a
// RoleBinding giving cluster-admin over tanzu-packages to every service
// account of the cluster, as a package's install notes once suggested. It
// grants people nothing, so no test's rights change.
const PostureError = "RoleBinding/tanzu-packages/packages-admin"

func postureObjects() []map[string]any {
	return []map[string]any{obj("rbac.authorization.k8s.io/v1", "RoleBinding", "tanzu-packages", "packages-admin", nil, map[string]any{
		"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
		"subjects": []any{map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:serviceaccounts"}},
	})}
}
