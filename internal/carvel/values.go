package carvel

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
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
// violations. Every problem is returned, in path order.
func (v *Values) Validate(schema map[string]any) []Problem {
	if len(schema) == 0 {
		return nil
	}
	var out []Problem
	unknownKeys(schema, v.Data, nil, &out)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("values.json", openAPIToJSONSchema(schema)); err != nil {
		return []Problem{{Message: fmt.Sprintf("the package's values schema cannot be read: %v", err)}}
	}
	sch, err := c.Compile("values.json")
	if err != nil {
		return []Problem{{Message: fmt.Sprintf("the package's values schema cannot be compiled: %v", err)}}
	}
	if err := sch.Validate(any(v.Data)); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return append(out, Problem{Message: err.Error()})
		}
		seen := map[string]bool{}
		for _, unit := range verr.BasicOutput().Errors {
			if unit.Error == nil {
				continue
			}
			msg := unit.Error.String()
			if strings.HasPrefix(msg, "validation failed") || strings.Contains(msg, "failed to validate") {
				continue
			}
			path := pointerSegments(unit.InstanceLocation)
			key := strings.Join(path, ".") + msg
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, Problem{Path: dotted(path), Message: msg})
		}
	}
	for i := range out {
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
	for _, s := range splitPath(p.Path) {
		if n, err := strconv.Atoi(s); err == nil {
			segs = append(segs, n)
		} else {
			segs = append(segs, s)
		}
	}
	p.File, p.Line = v.doc.File, v.doc.Line(segs...)
}

func splitPath(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(strings.NewReplacer("[", ".", "]", "").Replace(p), ".")
}

func dotted(segs []string) string {
	var b strings.Builder
	for _, s := range segs {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteString(".")
		}
		b.WriteString(s)
	}
	return b.String()
}

func pointerSegments(ptr string) []string {
	var out []string
	for _, part := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if part != "" {
			out = append(out, strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~"))
		}
	}
	return out
}

// unknownKeys reports keys an object schema does not declare, unless it
// allows extra keys. Package schemas rarely say additionalProperties:
// false, yet an undeclared key is nearly always a typo that ytt would
// reject (or, worse, silently ignore).
func unknownKeys(schema map[string]any, value any, path []string, out *[]Problem) {
	switch val := value.(type) {
	case map[string]any:
		props, _ := schema["properties"].(map[string]any)
		if _, open := schema["x-kubernetes-preserve-unknown-fields"]; open {
			return
		}
		extra, hasExtra := schema["additionalProperties"]
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			child := append(slices.Clone(path), k)
			if sub, ok := props[k].(map[string]any); ok {
				unknownKeys(sub, val[k], child, out)
				continue
			}
			if sub, ok := extra.(map[string]any); ok {
				unknownKeys(sub, val[k], child, out)
				continue
			}
			if hasExtra && extra != false || props == nil {
				continue
			}
			known := make([]string, 0, len(props))
			for p := range props {
				known = append(known, p)
			}
			slices.Sort(known)
			msg := fmt.Sprintf("unknown key %q", k)
			if near := closest(k, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else if len(known) > 0 {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			}
			*out = append(*out, Problem{Path: dotted(child), Message: msg})
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		for i, item := range val {
			unknownKeys(items, item, append(slices.Clone(path), strconv.Itoa(i)), out)
		}
	}
}

// openAPIToJSONSchema rewrites OpenAPI v3 specifics for a JSON Schema
// validator: nullable becomes a null type.
func openAPIToJSONSchema(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if strings.HasPrefix(k, "x-") {
				continue
			}
			out[k] = openAPIToJSONSchema(val)
		}
		if nullable, _ := t["nullable"].(bool); nullable {
			if typ, ok := t["type"].(string); ok {
				out["type"] = []any{typ, "null"}
			}
		}
		delete(out, "nullable")
		if out["additionalProperties"] == false {
			delete(out, "additionalProperties") // unknownKeys reports these, with a suggestion
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = openAPIToJSONSchema(val)
		}
		return out
	}
	return v
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
