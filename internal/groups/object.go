package groups

import (
	"encoding/json"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// printablePackage is an install as -o prints it: the values stay in their
// Secret (they may hold credentials); only where they are is said.
func printablePackage(p PackageIntent) map[string]any {
	m := map[string]any{"refName": p.RefName, "version": p.Version, "constraint": p.Constraint, "namespace": p.Namespace}
	if p.Name != "" {
		m["name"] = p.Name
	}
	if len(p.DependsOn) > 0 {
		deps := make([]any, 0, len(p.DependsOn))
		for _, d := range p.DependsOn {
			deps = append(deps, d)
		}
		m["dependsOn"] = deps
	}
	if p.ValuesFrom != nil {
		m["values"] = p.ValuesFrom.String()
	}
	return m
}

// Object is a group as printed by -o json|yaml: a ClusterGroup of ours
// (stored as a ConfigMap), with its members and their Apps in status.
func (g *Group) Object(members []MemberStatus) *unstructured.Unstructured {
	intents := make([]any, 0, len(g.Intents))
	for _, in := range g.Intents {
		m := map[string]any{"kind": in.Kind, "name": in.Name, "syncPeriod": in.SyncPeriod, "description": in.Describe()}
		if in.HoldLabels {
			m["holdNamespaceLabels"] = true
		}
		if in.Policy != nil {
			raw, _ := json.Marshal(in.Policy)
			var p map[string]any
			_ = json.Unmarshal(raw, &p)
			m["policy"] = p
		}
		if in.Schedule != nil {
			m["schedule"] = in.Schedule
		}
		if p := in.Package; p != nil {
			m["package"] = printablePackage(*p)
		}
		if in.Stack != nil {
			installs := make([]any, 0, len(in.Stack.Installs))
			for _, p := range in.Stack.Installs {
				installs = append(installs, printablePackage(p))
			}
			m["stack"] = map[string]any{"installs": installs}
		}
		intents = append(intents, m)
	}
	obj := map[string]any{
		"apiVersion": kube.Domain + "/v1alpha1", "kind": "ClusterGroup",
		"metadata": map[string]any{"name": g.Name},
		"spec":     map[string]any{"selector": g.Selector, "intents": intents},
	}
	if !g.Created.IsZero() {
		obj["metadata"].(map[string]any)["creationTimestamp"] = g.Created.UTC().Format(time.RFC3339)
	}
	if members != nil {
		ms := make([]any, 0, len(members))
		for _, m := range members {
			raw, _ := json.Marshal(m)
			var v map[string]any
			_ = json.Unmarshal(raw, &v)
			ms = append(ms, v)
		}
		obj["status"] = map[string]any{"members": ms}
	}
	return &unstructured.Unstructured{Object: obj}
}
