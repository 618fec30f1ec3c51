package capi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Violation is one reason a Cluster would be refused, with the path of the
// offending field.
type Violation struct {
	Path    string `json:"path"`
	Message string `json:"message"`
	// Variable is the topology variable concerned, if any (callers map it
	// back to a file line).
	Variable string `json:"variable,omitempty"`
	Index    int    `json:"-"` // index in spec.topology.variables, -1 when none
}

func (v Violation) String() string { return v.Path + ": " + v.Message }

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

// ValidateTopology checks a Cluster against its ClusterClass before it is
// created: every variable declared and valid against the class's schema,
// required variables present, worker classes known, an odd control plane
// and a semantic version. Every violation is returned.
func ValidateTopology(cluster, class *unstructured.Unstructured) []Violation {
	var out []Violation
	declared := ClassVariables(class)
	vars, _, _ := unstructured.NestedSlice(cluster.Object, "spec", "topology", "variables")
	seen := map[string]bool{}
	for i, item := range vars {
		m, _ := item.(map[string]any)
		name, _ := m["name"].(string)
		path := fmt.Sprintf("spec.topology.variables[%s]", name)
		seen[name] = true
		def, ok := declared[name]
		if !ok {
			out = append(out, Violation{Path: path, Variable: name, Index: i,
				Message: fmt.Sprintf("variable %q is not declared by ClusterClass %s", name, class.GetName())})
			continue
		}
		value, hasValue := m["value"]
		if !hasValue {
			out = append(out, Violation{Path: path, Variable: name, Index: i, Message: "has no value"})
			continue
		}
		for _, p := range validateValue(def.Schema, value) {
			p.Path = path + ".value" + p.Path
			p.Variable, p.Index = name, i
			out = append(out, p)
		}
	}
	names := make([]string, 0, len(declared))
	for n := range declared {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if declared[n].Required && !seen[n] {
			out = append(out, Violation{Path: "spec.topology.variables", Variable: n, Index: -1,
				Message: fmt.Sprintf("required variable %q of ClusterClass %s is missing", n, class.GetName())})
		}
	}
	known := WorkerClasses(class)
	mds, _, _ := unstructured.NestedSlice(cluster.Object, "spec", "topology", "workers", "machineDeployments")
	for i, item := range mds {
		m, _ := item.(map[string]any)
		c, _ := m["class"].(string)
		if !contains(known, c) {
			out = append(out, Violation{Path: fmt.Sprintf("spec.topology.workers.machineDeployments[%d].class", i), Index: -1,
				Message: fmt.Sprintf("worker class %q is not offered by ClusterClass %s (it has %s)", c, class.GetName(), strings.Join(known, ", "))})
		}
	}
	if r, ok := int64At(cluster.Object, "spec", "topology", "controlPlane", "replicas"); ok && (r < 1 || r%2 == 0) {
		out = append(out, Violation{Path: "spec.topology.controlPlane.replicas", Index: -1,
			Message: (&EvenControlPlaneError{Count: r}).Error()})
	}
	version, _, _ := unstructured.NestedString(cluster.Object, "spec", "topology", "version")
	if _, err := ParseVersion(version); err != nil {
		out = append(out, Violation{Path: "spec.topology.version", Index: -1, Message: err.Error()})
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

// validateValue checks a variable's value against its OpenAPI v3 schema
// (the structural subset Cluster API allows; x-kubernetes-* keywords are
// ignored). Paths are relative to the value: ".a.b[0]".
func validateValue(openAPI map[string]any, value any) []Violation {
	violations, err := schema.Validate(openAPI, value, schema.Options{})
	if err != nil {
		return []Violation{{Message: fmt.Sprintf("the ClusterClass schema cannot be used: %v", err)}}
	}
	out := make([]Violation, len(violations))
	for i, v := range violations {
		path := v.Dotted()
		if path != "" && !strings.HasPrefix(path, "[") {
			path = "." + path
		}
		out[i] = Violation{Path: path, Message: v.Message}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
