package capi

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
)

// ClassVariable is a variable a ClusterClass declares.
type ClassVariable struct {
	Name     string
	Required bool
	Schema   map[string]any
}

// ClassVariables reads spec.variables of a ClusterClass (v1beta1 and v1beta2
// share the shape).
func ClassVariables(class *unstructured.Unstructured) map[string]ClassVariable {
	out := map[string]ClassVariable{}
	vars, _, _ := unstructured.NestedSlice(class.Object, "spec", "variables")
	for _, item := range vars {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		v := ClassVariable{}
		v.Name, _ = m["name"].(string)
		v.Required, _ = m["required"].(bool)
		v.Schema, _, _ = unstructured.NestedMap(m, "schema", "openAPIV3Schema")
		out[v.Name] = v
	}
	return out
}

// WorkerClasses lists the machine deployment classes a ClusterClass offers.
func WorkerClasses(class *unstructured.Unstructured) []string {
	var out []string
	mds, _, _ := unstructured.NestedSlice(class.Object, "spec", "workers", "machineDeployments")
	for _, item := range mds {
		if m, ok := item.(map[string]any); ok {
			if c, ok := m["class"].(string); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// ParseVersion parses a Kubernetes version such as v1.30.2+vmware.1.
func ParseVersion(v string) (*semver.Version, error) {
	if v == "" {
		return nil, fmt.Errorf("no Kubernetes version: set spec.topology.version (e.g. v1.30.2+vmware.1) or KUBERNETES_VERSION/TKR")
	}
	parsed, err := semver.StrictNewVersion(strings.TrimPrefix(v, "v"))
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid Kubernetes version (expected vMAJOR.MINOR.PATCH[+build], e.g. v1.30.2+vmware.1)", v)
	}
	return parsed, nil
}
