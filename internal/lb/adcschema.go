package lb

import "sync"

// adcSchema is the AKODeploymentConfig's schema as far as kubectl tko
// checks it, for clusters whose CRD carries none (a CRD that keeps unknown
// fields): the spec's fields and which are required, from the AKO
// operator's CRD (networking.tkg.tanzu.vmware.com v1alpha1). Built at
// first use: every start of the lb, cluster and observe plugins would
// build it otherwise.
var adcSchema = sync.OnceValue(func() map[string]any {
	str := map[string]any{"type": "string"}
	ref := map[string]any{"type": "object", "required": []any{"name", "namespace"},
		"properties": map[string]any{"name": str, "namespace": str}}
	network := func(pools bool) map[string]any {
		props := map[string]any{"name": str, "cidr": str}
		if pools {
			props["ipPools"] = map[string]any{"type": "array", "items": map[string]any{"type": "object", "required": []any{"start", "end", "type"},
				"properties": map[string]any{"start": str, "end": str, "type": str}}}
		}
		return map[string]any{"type": "object", "required": []any{"name", "cidr"}, "properties": props}
	}
	open := map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
	return map[string]any{"type": "object", "properties": map[string]any{
		"apiVersion": str, "kind": str, "metadata": map[string]any{"type": "object"},
		"spec": map[string]any{"type": "object",
			"required": []any{"adminCredentialRef", "certificateAuthorityRef", "cloudName", "controller", "dataNetwork", "serviceEngineGroup"},
			"properties": map[string]any{
				"adminCredentialRef": ref, "certificateAuthorityRef": ref, "workloadCredentialRef": ref,
				"cloudName": str, "controller": str, "controllerVersion": str, "serviceEngineGroup": str,
				"dataNetwork": network(true), "controlPlaneNetwork": network(false),
				"clusterSelector": map[string]any{"type": "object", "properties": map[string]any{
					"matchLabels":      map[string]any{"type": "object", "additionalProperties": str},
					"matchExpressions": map[string]any{"type": "array", "items": open},
				}},
				"extraConfigs": open,
				"tenant":       map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{"name": str, "context": str}},
			},
		},
	}}
})
