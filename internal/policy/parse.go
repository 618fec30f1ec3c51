package policy

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

//go:embed schema.yaml
var schemaYAML []byte

// Schema is the OpenAPI v3 schema of a ClusterPolicy document.
func Schema() map[string]any {
	var m map[string]any
	if err := yaml.Unmarshal(schemaYAML, &m); err != nil {
		panic("policy schema: " + err.Error())
	}
	return m
}

// Parse reads every ClusterPolicy of a file and checks each whole: the
// schema (unknown keys with the closest known one), the recipe of the
// type, the parameters it needs, registry patterns, quantities and the
// scope. Every problem of every document is returned at once, with its
// line, as one ProblemsError.
func Parse(docs []yamldoc.Document, action string) ([]*Policy, error) {
	var out []*Policy
	var problems []errs.Problem
	names := map[string]int{}
	for _, doc := range docs {
		p, ps := parseOne(doc)
		problems = append(problems, ps...)
		if p == nil {
			continue
		}
		if line, dup := names[p.Name()]; dup && p.Name() != "" {
			problems = append(problems, errs.Problem{File: doc.File, Line: doc.Line("metadata", "name"), Path: "metadata.name",
				Message: fmt.Sprintf("policy %q is also defined on line %d", p.Name(), line)})
		}
		names[p.Name()] = doc.Line("metadata", "name")
		out = append(out, p)
	}
	if len(docs) == 0 {
		return nil, &errs.Invalid{Msg: "no ClusterPolicy found in the input"}
	}
	if len(problems) > 0 {
		file := ""
		if len(docs) > 0 {
			file = errs.DisplayFile(docs[0].File)
		}
		return nil, errs.Problems(file, action, problems)
	}
	return out, nil
}

func parseOne(doc yamldoc.Document) (*Policy, []errs.Problem) {
	var problems []errs.Problem
	add := func(line int, path, format string, args ...any) {
		problems = append(problems, errs.Problem{File: doc.File, Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
	}
	m, ok := doc.Data.(map[string]any)
	if !ok {
		add(doc.Node.Line, "", "expected a %s %s", APIVersion, Kind)
		return nil, problems
	}
	violations, err := schema.Validate(Schema(), m, schema.Options{UnknownKeys: true})
	if err != nil {
		add(doc.Node.Line, "", "%v", err)
		return nil, problems
	}
	for _, v := range violations {
		add(v.Line(doc), v.Dotted(), "%s", v.Message)
	}
	p := &Policy{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, p); err != nil {
		if len(problems) == 0 {
			add(doc.Node.Line, "", "%v", err)
		}
		return nil, problems
	}
	// Where a fleet `policy get` read the document is not part of it.
	delete(p.Metadata.Annotations, kube.AnnotationContext)
	if len(p.Metadata.Annotations) == 0 {
		p.Metadata.Annotations = nil
	}
	for _, pr := range Validate(p) {
		if slices.ContainsFunc(problems, func(q errs.Problem) bool { return q.Path == pr.Path }) {
			continue
		}
		line := doc.Line(pathOf(pr.Path)...)
		if line == doc.Line("spec") && pr.Path != "spec" {
			// A missing parameter: the recipe that needs it.
			line = doc.Line("spec", "recipe")
		}
		add(line, pr.Path, "%s", pr.Message)
	}
	return p, problems
}

// pathOf turns a dotted path into yamldoc's path segments.
func pathOf(dotted string) []any {
	var out []any
	for _, s := range schema.SplitDotted(dotted) {
		var n int
		if _, err := fmt.Sscanf(s, "%d", &n); err == nil && fmt.Sprint(n) == s {
			out = append(out, n)
		} else {
			out = append(out, s)
		}
	}
	return out
}

// Validate checks what the schema cannot: the policy's name, the recipe of
// its type and the parameters the recipe needs. It also normalizes TMC's
// recipe names (strict is restricted) and the image-registry recipe into
// its parameters. Paths are dotted (spec.parameters.allow[1]).
func Validate(p *Policy) []errs.Problem {
	var out []errs.Problem
	add := func(path, format string, args ...any) {
		out = append(out, errs.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	if p.APIVersion != APIVersion || p.Kind != Kind {
		add("kind", "expected apiVersion %s, kind %s", APIVersion, Kind)
	}
	if msgs := validation.IsDNS1123Label(p.Name()); len(msgs) > 0 || len(p.Name()) > 50 {
		add("metadata.name", "%q is not a policy name: lowercase letters, digits and '-', at most 50 characters", p.Name())
	}
	s := &p.Spec
	if !slices.Contains(Types, s.Type) {
		add("spec.type", "%q is not a policy type (one of: %s)", s.Type, strings.Join(Types, ", "))
		return out
	}
	if alias, ok := recipeAliases[s.Recipe]; ok {
		s.Recipe = alias
	}
	recipes := RecipeNames(s.Type)
	if !slices.Contains(recipes, s.Recipe) {
		add("spec.recipe", "%q is not a recipe of %s policies (one of: %s)", s.Recipe, s.Type, strings.Join(recipes, ", "))
		return out
	}
	pr := &s.Parameters
	for _, name := range setParameters(pr) {
		if typ := parameterTypes[name]; typ != s.Type {
			add("spec.parameters."+name, "applies to %s policies, not to %s ones", typ, s.Type)
		}
	}
	switch s.Type {
	case TypeSecurity:
		// Restricted already refuses what these add to baseline.
		if s.Recipe != "baseline" && pr.DenyHostPath {
			add("spec.parameters.denyHostPath", "%s already refuses hostPath, flexVolume and gitRepo volumes: this rule adds to baseline only", s.Recipe)
		}
		if s.Recipe != "baseline" && pr.DenyPrivileged {
			add("spec.parameters.denyPrivileged", "%s already refuses privileged containers and privilege escalation: this rule adds to baseline only", s.Recipe)
		}
	case TypeImageRegistry:
		switch s.Recipe {
		case "allowed-name-tag":
			if len(pr.Allow) == 0 {
				add("spec.parameters.allow", "the allowed-name-tag recipe needs the registries to allow")
			}
		case "block-latest-tag":
			pr.BlockLatestTag = true
		case "require-digest":
			pr.RequireDigest = true
		}
		for i, r := range pr.Allow {
			if msg := registryProblem(r); msg != "" {
				add(fmt.Sprintf("spec.parameters.allow[%d]", i), "%s", msg)
			}
		}
	case TypeNetwork:
		if strings.HasSuffix(s.Recipe, "-to-pods") && len(pr.PodSelector) == 0 {
			add("spec.parameters.podSelector", "the %s recipe needs the labels of the pods it is about", s.Recipe)
		}
		if msgs := validateLabels(pr.PodSelector); msgs != "" {
			add("spec.parameters.podSelector", "%s", msgs)
		}
	case TypeCustom:
		validations, _ := pr.PolicySpec["validations"].([]any)
		switch {
		case len(validations) == 0:
			add("spec.parameters.policySpec", "a custom policy needs the spec of a ValidatingAdmissionPolicy with at least one validation")
		case pr.PolicySpec["paramKind"] != nil:
			add("spec.parameters.policySpec.paramKind", "parameter resources are not supported: write the values into the expressions")
		}
	case TypeQuota:
		if s.Recipe == "custom" {
			fields := map[string]string{"cpuRequests": pr.CPURequests, "cpuLimits": pr.CPULimits, "memoryRequests": pr.MemoryRequests, "memoryLimits": pr.MemoryLimits}
			set := 0
			for _, k := range []string{"cpuRequests", "cpuLimits", "memoryRequests", "memoryLimits"} {
				if fields[k] == "" {
					continue
				}
				set++
				if _, err := resource.ParseQuantity(fields[k]); err != nil {
					add("spec.parameters."+k, "%q is not a quantity (500m, 2, 512Mi, 4Gi)", fields[k])
				}
			}
			if set == 0 && pr.Pods == nil {
				add("spec.parameters", "the custom recipe needs at least one of cpuRequests, cpuLimits, memoryRequests, memoryLimits, pods")
			}
		}
	}
	for i, ns := range s.Scope.Namespaces {
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			add(fmt.Sprintf("spec.scope.namespaces[%d]", i), "%q is not a namespace name", ns)
		}
	}
	if s.Scope.NamespaceSelector != nil {
		if _, err := metav1.LabelSelectorAsSelector(s.Scope.NamespaceSelector); err != nil {
			add("spec.scope.namespaceSelector", "%v", err)
		}
	}
	return out
}

func validateLabels(l map[string]string) string {
	if _, err := metav1.LabelSelectorAsSelector(&metav1.LabelSelector{MatchLabels: l}); err != nil {
		return err.Error()
	}
	return ""
}

// parameterTypes names the policy type that reads each parameter.
var parameterTypes = map[string]string{
	"allow": TypeImageRegistry, "blockLatestTag": TypeImageRegistry, "requireDigest": TypeImageRegistry,
	"podSelector": TypeNetwork, "policySpec": TypeCustom, "denyHostPath": TypeSecurity, "denyPrivileged": TypeSecurity,
	"cpuRequests": TypeQuota, "cpuLimits": TypeQuota, "memoryRequests": TypeQuota, "memoryLimits": TypeQuota, "pods": TypeQuota,
}

// setParameters lists the parameters a policy gives.
func setParameters(pr *Parameters) []string {
	var out []string
	for _, p := range []struct {
		name string
		set  bool
	}{
		{"denyHostPath", pr.DenyHostPath}, {"denyPrivileged", pr.DenyPrivileged},
		{"allow", len(pr.Allow) > 0}, {"blockLatestTag", pr.BlockLatestTag}, {"requireDigest", pr.RequireDigest},
		{"podSelector", len(pr.PodSelector) > 0},
		{"cpuRequests", pr.CPURequests != ""}, {"cpuLimits", pr.CPULimits != ""}, {"memoryRequests", pr.MemoryRequests != ""}, {"memoryLimits", pr.MemoryLimits != ""}, {"pods", pr.Pods != nil},
		{"policySpec", len(pr.PolicySpec) > 0},
	} {
		if p.set {
			out = append(out, p.name)
		}
	}
	return out
}
