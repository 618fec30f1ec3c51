package seed

// The ClusterClass and TKRs every seeded Cluster refers to, with the
// OpenAPI schemas of its variables.

import "strings"

func str(t string, extra ...any) map[string]any {
	m := map[string]any{"type": t}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i].(string)] = extra[i+1]
	}
	return m
}

func object(props map[string]any, extra ...any) map[string]any {
	m := str("object", extra...)
	m["properties"] = props
	return m
}

func strings_() map[string]any { return map[string]any{"type": "array", "items": str("string")} }

func machineSchema() map[string]any {
	return object(map[string]any{
		"numCPUs":   str("integer", "minimum", 2),
		"diskGiB":   str("integer", "minimum", 20),
		"memoryMiB": str("integer", "minimum", 4096),
	})
}

func nodeNetworkSchema() map[string]any {
	return object(map[string]any{"nameservers": strings_(), "searchDomains": strings_()})
}

func extraArgs() map[string]any {
	return str("object", "additionalProperties", str("string"))
}

// classVariables are the topology variables of tkg-vsphere-default, with
// the types TKG declares (see docs/ and TKG's cluster-config mapping).
func classVariables() []any {
	v := func(name string, required bool, schema map[string]any) any {
		return map[string]any{"name": name, "required": required, "schema": map[string]any{"openAPIV3Schema": schema}}
	}
	pss := str("string", "enum", []any{"privileged", "baseline", "restricted"})
	return []any{
		v("cni", false, str("string", "default", "antrea", "enum", []any{"antrea", "calico", "none"})),
		v("apiServerEndpoint", false, str("string")),
		v("aviAPIServerHAProvider", false, str("boolean")),
		v("kubeVipLoadBalancerProvider", false, str("boolean")),
		v("vipNetworkInterface", false, str("string", "default", "eth0")),
		v("apiServerPort", false, str("integer", "minimum", 1, "maximum", 65535)),
		v("vcenter", true, object(map[string]any{
			"cloneMode":       str("string", "enum", []any{"fullClone", "linkedClone"}),
			"network":         str("string"),
			"datacenter":      str("string"),
			"datastore":       str("string"),
			"folder":          str("string"),
			"resourcePool":    str("string"),
			"storagePolicyID": str("string"),
			"server":          str("string"),
			"tlsThumbprint":   str("string"),
			"template":        str("string"),
		}, "required", []any{"server", "datacenter", "network"})),
		v("user", false, object(map[string]any{"sshAuthorizedKeys": strings_()})),
		v("controlPlane", false, object(map[string]any{
			"machine":    machineSchema(),
			"network":    nodeNetworkSchema(),
			"nodeLabels": map[string]any{"type": "array", "items": object(map[string]any{"key": str("string"), "value": str("string")})},
		})),
		v("worker", false, object(map[string]any{
			"count":   str("integer", "minimum", 0),
			"machine": machineSchema(),
			"network": nodeNetworkSchema(),
		})),
		v("ntpServers", false, strings_()),
		v("additionalFQDN", false, strings_()),
		v("network", false, object(map[string]any{
			"ipv6Primary": str("boolean"),
			"addressesFromPools": map[string]any{"type": "array", "items": object(map[string]any{
				"apiGroup": str("string"), "kind": str("string"), "name": str("string"),
			})},
		})),
		v("proxy", false, object(map[string]any{
			"httpProxy": str("string"), "httpsProxy": str("string"), "noProxy": strings_(), "systemWide": str("boolean"),
		}, "required", []any{"httpProxy", "httpsProxy"})),
		v("imageRepository", false, object(map[string]any{"host": str("string"), "tlsCertificateValidation": str("boolean")}, "required", []any{"host"})),
		v("trust", false, object(map[string]any{"additionalTrustedCAs": map[string]any{"type": "array", "items": object(map[string]any{
			"name": str("string"), "data": str("string"),
		}, "required", []any{"name", "data"})}})),
		v("clusterRole", false, str("string", "enum", []any{"workload", "management"})),
		v("auditLogging", false, object(map[string]any{"enabled": str("boolean")})),
		v("controlPlaneCertificateRotation", false, object(map[string]any{
			"activate": str("boolean", "default", true), "daysBefore": str("integer", "minimum", 7, "default", 90),
		})),
		v("podSecurityStandard", false, object(map[string]any{
			"deactivated": str("boolean"), "audit": pss, "warn": pss, "enforce": pss, "auditVersion": str("string"), "warnVersion": str("string"), "enforceVersion": str("string"), "exemptions": object(map[string]any{"namespaces": strings_()}),
		})),
		v("apiServerExtraArgs", false, extraArgs()),
		v("etcdExtraArgs", false, extraArgs()),
		v("kubeSchedulerExtraArgs", false, extraArgs()),
		v("kubeControllerManagerExtraArgs", false, extraArgs()),
		v("controlPlaneKubeletExtraArgs", false, extraArgs()),
		v("workerKubeletExtraArgs", false, extraArgs()),
		v("eventRateLimitConf", false, str("string")),
		v("additionalImageRegistries", false, map[string]any{"type": "array", "items": object(map[string]any{
			"host": str("string"), "caCert": str("string"), "skipTlsVerify": str("boolean"),
		})}),
		v("customTDNFRepository", false, object(map[string]any{"certificate": str("string")})),
		v("pci", false, object(map[string]any{"controlPlane": str("object", "x-kubernetes-preserve-unknown-fields", true), "worker": str("object", "x-kubernetes-preserve-unknown-fields", true)})),
		v("VSPHERE_WINDOWS_TEMPLATE", false, str("string")),
		v("TKR_DATA", false, str("object", "x-kubernetes-preserve-unknown-fields", true)),
	}
}

func ref(apiVersion, kind, name string) map[string]any {
	return map[string]any{"templateRef": map[string]any{"apiVersion": apiVersion, "kind": kind, "name": name}}
}

func clusterClass(namespace string) map[string]any {
	n := ClassName
	return obj(capiV, "ClusterClass", namespace, n, nil, map[string]any{
		"spec": map[string]any{
			"infrastructure": ref(infraV, "VSphereClusterTemplate", n),
			"controlPlane": map[string]any{
				"templateRef":           ref(kcpV, "KubeadmControlPlaneTemplate", n+"-kcp")["templateRef"],
				"machineInfrastructure": ref(infraV, "VSphereMachineTemplate", n+"-control-plane"),
			},
			"workers": map[string]any{"machineDeployments": []any{
				map[string]any{"class": "tkg-worker", "bootstrap": ref(bootV, "KubeadmConfigTemplate", n+"-md-0-bootstrap"), "infrastructure": ref(infraV, "VSphereMachineTemplate", n+"-worker")},
				map[string]any{"class": "tkg-worker-windows", "bootstrap": ref(bootV, "KubeadmConfigTemplate", n+"-md-0-windows-bootstrap"), "infrastructure": ref(infraV, "VSphereMachineTemplate", n+"-windows-worker")},
			}},
			"variables": classVariables(),
		},
		"status": map[string]any{
			"observedGeneration": 0,
			"conditions":         []any{cond("VariablesReady", "True", "VariablesReady", "", 600), cond("RefVersionsUpToDate", "True", "RefVersionsUpToDate", "", 600)},
		},
	})
}

func tkr(name, version string) map[string]any {
	return obj("run.tanzu.vmware.com/v1alpha3", "TanzuKubernetesRelease", "", name,
		map[string]any{"os-name": "photon", "os-type": "linux", "image-type": "ova"},
		map[string]any{
			"spec": map[string]any{
				"version": strings.ReplaceAll(name, "---", "+"),
				"kubernetes": map[string]any{
					"version":         version,
					"imageRepository": "projects.registry.vmware.com/tkg",
				},
				"osImages":          []any{map[string]any{"name": "photon-5-" + strings.ReplaceAll(name, "+", "-")}},
				"bootstrapPackages": []any{map[string]any{"name": "antrea.tanzu.vmware.com.1.13.3+vmware.1-tkg.1"}},
			},
			"status": map[string]any{"conditions": []any{
				cond("Ready", "True", "", "", 1440), cond("Compatible", "True", "", "", 1440),
			}},
		})
}
