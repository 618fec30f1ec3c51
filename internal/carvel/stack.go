package carvel

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// StackKind and StackAPIVersion identify a stack file.
const (
	StackAPIVersion = "tko.vmware.com/v1alpha1"
	StackKind       = "PackageStack"
)

// Stack is a declared set of installs with dependencies (docs/package-stacks.md).
type Stack struct {
	Name      string
	Namespace string // default namespace of its installs
	Installs  []StackInstall
	File      string
}

// StackInstall is one install of a stack.
type StackInstall struct {
	Name              string         `json:"name"`
	Package           string         `json:"package"`
	Version           string         `json:"version,omitempty"`
	VersionConstraint string         `json:"versionConstraint,omitempty"`
	Namespace         string         `json:"namespace,omitempty"`
	Values            map[string]any `json:"values,omitempty"`
	ValuesFile        string         `json:"valuesFile,omitempty"`
	DependsOn         []string       `json:"dependsOn,omitempty"`
	Line              int            `json:"-"`
}

// ParseStack reads a stack file, reporting every problem with its line.
func ParseStack(file string, raw []byte) (*Stack, error) {
	docs, err := yamldoc.Parse(file, raw)
	if err != nil {
		return nil, err
	}
	if len(docs) != 1 {
		return nil, &errs.InputError{File: file, Err: fmt.Errorf("a stack file holds one %s document, found %d", StackKind, len(docs))}
	}
	doc := docs[0]
	m, _ := doc.Data.(map[string]any)
	var problems []string
	add := func(line int, format string, args ...any) {
		problems = append(problems, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...)))
	}
	if m == nil {
		return nil, &errs.InputError{File: file, Line: doc.Node.Line, Err: fmt.Errorf("not a %s: expected a mapping with apiVersion %s", StackKind, StackAPIVersion)}
	}
	if m["apiVersion"] != StackAPIVersion || m["kind"] != StackKind {
		add(doc.Line("kind"), "apiVersion/kind must be %s / %s", StackAPIVersion, StackKind)
	}
	st := &Stack{File: file}
	st.Name, _ = nested(m, "metadata", "name").(string)
	st.Namespace, _ = nested(m, "spec", "namespace").(string)
	items, ok := nested(m, "spec", "installs").([]any)
	if !ok || len(items) == 0 {
		add(doc.Line("spec"), "spec.installs must list at least one install")
	}
	known := map[string]bool{"name": true, "package": true, "version": true, "versionConstraint": true, "namespace": true, "values": true, "valuesFile": true, "dependsOn": true}
	for i, item := range items {
		line := doc.Line("spec", "installs", i)
		im, ok := item.(map[string]any)
		if !ok {
			add(line, "spec.installs[%d] must be a mapping", i)
			continue
		}
		in := StackInstall{Line: line}
		for k := range im {
			if !known[k] {
				add(doc.Line("spec", "installs", i, k), "spec.installs[%d]: unknown field %q", i, k)
			}
		}
		str := func(key string) string {
			v, present := im[key]
			s, ok := v.(string)
			if present && !ok {
				add(doc.Line("spec", "installs", i, key), "spec.installs[%d].%s must be a string", i, key)
			}
			return s
		}
		in.Name, in.Package, in.Version, in.VersionConstraint = str("name"), str("package"), str("version"), str("versionConstraint")
		in.Namespace, in.ValuesFile = str("namespace"), str("valuesFile")
		if in.Name == "" {
			add(line, "spec.installs[%d].name is required", i)
		}
		if in.Package == "" {
			add(line, "spec.installs[%d].package is required", i)
		}
		if in.Version != "" && in.VersionConstraint != "" {
			add(line, "spec.installs[%d]: version and versionConstraint are exclusive", i)
		}
		if v, present := im["values"]; present {
			vm, ok := v.(map[string]any)
			if !ok {
				add(doc.Line("spec", "installs", i, "values"), "spec.installs[%d].values must be a mapping", i)
			}
			in.Values = vm
		}
		if in.ValuesFile != "" && in.Values != nil {
			add(line, "spec.installs[%d]: values and valuesFile are exclusive", i)
		}
		if in.ValuesFile != "" && !filepath.IsAbs(in.ValuesFile) && file != "-" {
			in.ValuesFile = filepath.Join(filepath.Dir(file), in.ValuesFile)
		}
		if deps, present := im["dependsOn"]; present {
			list, ok := deps.([]any)
			if !ok {
				add(doc.Line("spec", "installs", i, "dependsOn"), "spec.installs[%d].dependsOn must be a list of install names", i)
			}
			for _, d := range list {
				if s, ok := d.(string); ok {
					in.DependsOn = append(in.DependsOn, s)
				}
			}
		}
		st.Installs = append(st.Installs, in)
	}
	if len(problems) == 0 {
		if _, err := st.Order(); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		return nil, &errs.InputError{File: file, Err: fmt.Errorf("%d problem(s), nothing was applied: %s", len(problems), strings.Join(problems, "; "))}
	}
	return st, nil
}

func nested(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	return cur
}

// Order groups the installs into waves: each wave depends only on earlier
// ones, so a wave's installs can be applied together. Unknown
// dependencies, duplicates and cycles are errors.
func (s *Stack) Order() ([][]StackInstall, error) {
	byName := map[string]StackInstall{}
	for _, in := range s.Installs {
		key := s.NamespaceOf(in) + "/" + in.Name
		if _, dup := byName[in.Name]; dup {
			return nil, fmt.Errorf("line %d: install %q is declared twice", in.Line, key)
		}
		byName[in.Name] = in
	}
	for _, in := range s.Installs {
		for _, d := range in.DependsOn {
			if _, ok := byName[d]; !ok {
				return nil, fmt.Errorf("line %d: install %q depends on %q, which the stack does not declare", in.Line, in.Name, d)
			}
		}
	}
	done := map[string]bool{}
	var waves [][]StackInstall
	for len(done) < len(s.Installs) {
		var wave []StackInstall
		for _, in := range s.Installs {
			if done[in.Name] {
				continue
			}
			ready := true
			for _, d := range in.DependsOn {
				ready = ready && done[d]
			}
			if ready {
				wave = append(wave, in)
			}
		}
		if len(wave) == 0 {
			var left []string
			for _, in := range s.Installs {
				if !done[in.Name] {
					left = append(left, in.Name)
				}
			}
			return nil, errors.New("the dependencies form a cycle among " + strings.Join(left, ", "))
		}
		for _, in := range wave {
			done[in.Name] = true
		}
		waves = append(waves, wave)
	}
	return waves, nil
}

// NamespaceOf is where an install of the stack goes.
func (s *Stack) NamespaceOf(in StackInstall) string {
	if in.Namespace != "" {
		return in.Namespace
	}
	return s.Namespace
}

// Profiles are the built-in stacks.
var Profiles = map[string]string{
	"tko-shared-services": `# The shared services of the TKO reference design, in dependency order:
# cert-manager first, Contour on it, then the services Contour exposes.
apiVersion: tko.vmware.com/v1alpha1
kind: PackageStack
metadata:
  name: tko-shared-services
spec:
  namespace: tanzu-packages
  installs:
  - name: cert-manager
    package: cert-manager.tanzu.vmware.com
  - name: contour
    package: contour.tanzu.vmware.com
    dependsOn: [cert-manager]
  - name: fluent-bit
    package: fluent-bit.tanzu.vmware.com
  - name: multus-cni
    package: multus-cni.tanzu.vmware.com
  - name: external-dns
    package: external-dns.tanzu.vmware.com
    dependsOn: [contour]
  - name: prometheus
    package: prometheus.tanzu.vmware.com
    dependsOn: [contour]
  - name: grafana
    package: grafana.tanzu.vmware.com
    dependsOn: [contour, prometheus]
  - name: harbor
    package: harbor.tanzu.vmware.com
    dependsOn: [cert-manager, contour]
`,
}

// ProfileNames lists the built-in profiles.
func ProfileNames() []string {
	out := make([]string, 0, len(Profiles))
	for n := range Profiles {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
