package carvel

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/schema"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"
)

// Values are the data values of an install, with where they came from so
// problems can be reported as file:line or by flag.
type Values struct {
	Data map[string]any
	// Raw is the values file as given, stored unchanged when no --values
	// flag changed it (keeping the user's comments).
	Raw  []byte
	doc  *yamldoc.Document
	from map[string]string // dotted path -> "--values a.b=c"
}

// LoadValues reads a values file (path, "-" for stdin, "" for none) and
// applies key=value settings on top (dotted keys; values parsed as YAML
// scalars, so true, 3 and "x" mean what they look like).
func LoadValues(file string, raw []byte, sets []string) (*Values, error) {
	v := &Values{Data: map[string]any{}, from: map[string]string{}}
	if file != "" {
		docs, err := yamldoc.Parse(file, raw)
		if err != nil {
			return nil, err
		}
		switch len(docs) {
		case 0:
		case 1:
			m, ok := docs[0].Data.(map[string]any)
			if !ok {
				return nil, &errs.InputError{File: file, Line: docs[0].Node.Line, Err: errors.New("values must be a YAML mapping of keys to values")}
			}
			v.Data, v.doc, v.Raw = m, &docs[0], raw
		default:
			return nil, &errs.InputError{File: file, Line: docs[1].Node.Line, Err: errors.New("values must be one YAML document, not several")}
		}
	}
	for _, kv := range sets {
		key, text, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			return nil, &SettingError{Setting: kv, Reason: "use KEY=VALUE (dotted keys for nested values, e.g. contour.replicas=2)"}
		}
		var val any
		if err := yaml.Unmarshal([]byte(text), &val); err != nil || isCollection(val) {
			val = text
		}
		if err := setPath(v.Data, strings.Split(key, "."), yamldoc.Normalize(val)); err != nil {
			return nil, &SettingError{Setting: kv, Reason: err.Error()}
		}
		v.from[key] = "--values " + kv
		v.Raw = nil
	}
	return v, nil
}

// SettingError is a KEY=VALUE setting that cannot be applied.
type SettingError struct{ Setting, Reason string }

func (e *SettingError) Error() string { return fmt.Sprintf("setting %q: %s", e.Setting, e.Reason) }

// Class implements errs.Classed.
func (e *SettingError) Class() errs.Class { return errs.ClassInvalid }

func isCollection(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

func setPath(m map[string]any, path []string, val any) error {
	for i, p := range path[:len(path)-1] {
		next, ok := m[p]
		if !ok {
			child := map[string]any{}
			m[p] = child
			m = child
			continue
		}
		child, ok := next.(map[string]any)
		if !ok {
			return fmt.Errorf("%s is not a mapping", strings.Join(path[:i+1], "."))
		}
		m = child
	}
	m[path[len(path)-1]] = val
	return nil
}

// Empty reports whether no values were given.
func (v *Values) Empty() bool { return len(v.Data) == 0 }

// YAML is what goes into the values Secret.
func (v *Values) YAML() ([]byte, error) {
	if v.Raw != nil {
		return v.Raw, nil
	}
	return sigsyaml.Marshal(v.Data)
}

// Problem is one way the values break the package's schema: a file line
// or the --values flag that set it, the dotted key and what is wrong.
type Problem = errs.Problem

// ValuesProblems is every way the values break pkg's schema, reported at
// once under one summary line; nothing was created.
func ValuesProblems(pkg string, problems []Problem) *errs.ProblemsError {
	e := errs.Problems("", "created", problems)
	e.Summary = fmt.Sprintf("the values do not match the schema of %s (%s); nothing was created", pkg, errs.Count(len(problems)))
	return e
}

// Validate checks the values against a package's valuesSchema: unknown
// keys (with the closest known one), wrong types, enum and range
// violations. Every problem is returned, in file order; those set by
// --values last.
func (v *Values) Validate(openAPI map[string]any) []Problem {
	violations, err := schema.Validate(openAPI, any(v.Data), schema.Options{UnknownKeys: true})
	if err != nil {
		return []Problem{{Message: fmt.Sprintf("the package's values schema cannot be used: %v", err)}}
	}
	out := make([]Problem, len(violations))
	for i, vio := range violations {
		out[i] = Problem{Path: vio.Dotted(), Message: vio.Message}
		v.locate(&out[i])
	}
	slices.SortStableFunc(out, func(a, b Problem) int {
		if a.Line != b.Line {
			// File order first; problems from flags (no line) last.
			if a.Line == 0 || b.Line == 0 {
				return b.Line - a.Line
			}
			return a.Line - b.Line
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out
}

// locate fills in the file line or the flag a problem comes from.
func (v *Values) locate(p *Problem) {
	for key, flag := range v.from {
		if p.Path == key || strings.HasPrefix(p.Path, key+".") || strings.HasPrefix(key, p.Path+".") && p.Path != "" {
			p.Flag = flag
			return
		}
	}
	if v.doc == nil {
		return
	}
	var segs []any
	for _, s := range schema.SplitDotted(p.Path) {
		if n, err := strconv.Atoi(s); err == nil {
			segs = append(segs, n)
		} else {
			segs = append(segs, s)
		}
	}
	p.File, p.Line = v.doc.File, v.doc.Line(segs...)
}

// Defaults builds the default values a schema declares, for
// --default-values-file-output.
func Defaults(schema map[string]any) any {
	if d, ok := schema["default"]; ok {
		return d
	}
	props, ok := schema["properties"].(map[string]any)
	if !ok {
		return nil
	}
	out := map[string]any{}
	for k, sub := range props {
		if m, ok := sub.(map[string]any); ok {
			if d := Defaults(m); d != nil {
				out[k] = d
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// SchemaField is one documented value of a package.
type SchemaField struct {
	Key         string `json:"key"`
	Type        string `json:"type"`
	Default     any    `json:"default,omitempty"`
	Description string `json:"description,omitempty"`
}

// SchemaFields flattens a schema into its documented keys, as kctrl's
// --values-schema table does.
func SchemaFields(schema map[string]any) []SchemaField {
	var out []SchemaField
	var walk func(s map[string]any, path string)
	walk = func(s map[string]any, path string) {
		props, _ := s["properties"].(map[string]any)
		keys := make([]string, 0, len(props))
		for k := range props {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			sub, _ := props[k].(map[string]any)
			p := k
			if path != "" {
				p = path + "." + k
			}
			typ, _ := sub["type"].(string)
			desc, _ := sub["description"].(string)
			if _, nested := sub["properties"]; nested {
				walk(sub, p)
				continue
			}
			out = append(out, SchemaField{Key: p, Type: typ, Default: sub["default"], Description: desc})
		}
	}
	walk(schema, "")
	return out
}
