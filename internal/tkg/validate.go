package tkg

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
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

// validateTopology checks a Cluster against its ClusterClass before it is
// created: every variable declared and valid against the class's schema,
// required variables present, worker classes known, an odd control plane
// and a semantic version. Every violation is returned.
func validateTopology(cluster, class *unstructured.Unstructured) []Violation {
	var out []Violation
	declared := capi.ClassVariables(class)
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
	known := capi.WorkerClasses(class)
	mds, _, _ := unstructured.NestedSlice(cluster.Object, "spec", "topology", "workers", "machineDeployments")
	for i, item := range mds {
		m, _ := item.(map[string]any)
		c, _ := m["class"].(string)
		if !slices.Contains(known, c) {
			out = append(out, Violation{Path: fmt.Sprintf("spec.topology.workers.machineDeployments[%d].class", i), Index: -1,
				Message: fmt.Sprintf("worker class %q is not offered by ClusterClass %s (it has %s)", c, class.GetName(), strings.Join(known, ", "))})
		}
	}
	if r, ok, _ := unstructured.NestedInt64(cluster.Object, "spec", "topology", "controlPlane", "replicas"); ok && (r < 1 || r%2 == 0) {
		out = append(out, Violation{Path: "spec.topology.controlPlane.replicas", Index: -1,
			Message: (&capi.EvenControlPlaneError{Count: r}).Error()})
	}
	version, _, _ := unstructured.NestedString(cluster.Object, "spec", "topology", "version")
	if _, err := capi.ParseVersion(version); err != nil {
		out = append(out, Violation{Path: "spec.topology.version", Index: -1, Message: err.Error()})
	}
	return out
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
