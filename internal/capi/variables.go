package capi

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// TopologyVariable returns a topology variable's value of a class-based
// Cluster, and whether it is set.
func TopologyVariable(u *unstructured.Unstructured, name string) (any, bool) {
	vars, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "variables")
	for _, item := range vars {
		if m, ok := item.(map[string]any); ok && m["name"] == name {
			v, ok := m["value"]
			return v, ok
		}
	}
	return nil, false
}

// Control-plane endpoint providers of a TKG cluster on vSphere.
const (
	EndpointNSXALB  = "NSX ALB"
	EndpointKubeVIP = "kube-vip"
)

// EndpointProvider says what serves a cluster's control-plane endpoint:
// NSX ALB when aviAPIServerHAProvider is true (AVI_CONTROL_PLANE_HA_PROVIDER),
// kube-vip when the cluster has an apiServerEndpoint, "" when neither.
func EndpointProvider(u *unstructured.Unstructured) string {
	if v, _ := TopologyVariable(u, "aviAPIServerHAProvider"); v == true {
		return EndpointNSXALB
	}
	if v, _ := TopologyVariable(u, "apiServerEndpoint"); v != nil && v != "" {
		return EndpointKubeVIP
	}
	return ""
}
