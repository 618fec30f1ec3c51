// Package schema validates values against the OpenAPI v3 schemas that
// Kubernetes objects carry (a ClusterClass variable's schema, a Carvel
// package's valuesSchema, a CRD's openAPIV3Schema) and reports every
// violation with the path of the value, so the caller can turn it into a
// file line. It is the one JSON-schema validator of kubectl tko.
package schema

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// Violation is one way a value breaks its schema.
type Violation struct {
	// Path is the value's location: map keys, and sequence indexes as
	// decimal strings; empty for the value itself.
	Path    []string
	Message string
}

// Dotted renders the path as a.b[0].c.
func (v Violation) Dotted() string { return Dotted(v.Path) }

// Line is the file line of the violating value in doc, whose value sits at
// prefix (for example "spec", "topology", "variables", 3, "value").
func (v Violation) Line(doc yamldoc.Document, prefix ...any) int {
	path := slices.Clone(prefix)
	for _, s := range v.Path {
		if n, err := strconv.Atoi(s); err == nil {
			path = append(path, n)
		} else {
			path = append(path, s)
		}
	}
	return doc.Line(path...)
}

// Options tune a validation.
type Options struct {
	// UnknownKeys reports keys an object schema does not declare, with the
	// closest declared one, even where the schema does not close the object:
	// package schemas rarely say additionalProperties: false, yet an
	// undeclared key is nearly always a typo.
	UnknownKeys bool
}

// CompileError says the schema itself cannot be used.
type CompileError struct{ Err error }

func (e *CompileError) Error() string { return "the schema cannot be used: " + e.Err.Error() }
func (e *CompileError) Unwrap() error { return e.Err }

// Validate checks value against an OpenAPI v3 schema and returns every
// violation, ordered by path. OpenAPI specifics (nullable, x-kubernetes-*
// keywords) are translated for the JSON-schema validator.
func Validate(openAPI map[string]any, value any, opts Options) ([]Violation, error) {
	if len(openAPI) == 0 {
		return nil, nil
	}
	var out []Violation
	if opts.UnknownKeys {
		unknownKeys(openAPI, value, nil, &out)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("schema.json", toJSONSchema(openAPI, opts.UnknownKeys)); err != nil {
		return nil, &CompileError{Err: err}
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		return nil, &CompileError{Err: err}
	}
	if err := sch.Validate(value); err != nil {
		var verr *jsonschema.ValidationError
		if !errors.As(err, &verr) {
			return nil, err
		}
		seen := map[string]bool{}
		for _, unit := range verr.BasicOutput().Errors {
			if unit.Error == nil {
				continue
			}
			msg := unit.Error.String()
			// Summaries of the nested errors listed beside them.
			if strings.HasPrefix(msg, "validation failed") || strings.Contains(msg, "failed to validate") {
				continue
			}
			path := pointerSegments(unit.InstanceLocation)
			if key := strings.Join(path, "\x00") + "\x00" + msg; !seen[key] {
				seen[key] = true
				out = append(out, Violation{Path: path, Message: msg})
			}
		}
		if len(out) == 0 {
			out = append(out, Violation{Message: verr.Error()})
		}
	}
	slices.SortStableFunc(out, func(a, b Violation) int { return strings.Compare(a.Dotted(), b.Dotted()) })
	return out, nil
}

// Dotted renders path segments as a.b[0].c.
func Dotted(segs []string) string {
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

// SplitDotted is the inverse of Dotted.
func SplitDotted(p string) []string {
	if p == "" {
		return nil
	}
	return strings.Split(strings.NewReplacer("[", ".", "]", "").Replace(strings.TrimPrefix(p, ".")), ".")
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

func unknownKeys(schema map[string]any, value any, path []string, out *[]Violation) {
	switch val := value.(type) {
	case map[string]any:
		if _, open := schema["x-kubernetes-preserve-unknown-fields"]; open {
			return
		}
		props, _ := schema["properties"].(map[string]any)
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
			if near := Closest(k, known); near != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", near)
			} else if len(known) > 0 {
				msg += " (known: " + strings.Join(known, ", ") + ")"
			}
			*out = append(*out, Violation{Path: child, Message: msg})
		}
	case []any:
		items, _ := schema["items"].(map[string]any)
		for i, item := range val {
			unknownKeys(items, item, append(slices.Clone(path), strconv.Itoa(i)), out)
		}
	}
}

// toJSONSchema rewrites OpenAPI v3 specifics for a JSON-schema validator:
// nullable becomes a null type, x- keywords go. When unknown keys are
// reported separately, additionalProperties: false goes too, so a typo is
// reported once, with its suggestion.
func toJSONSchema(v any, unknownKeysApart bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			if strings.HasPrefix(k, "x-") {
				continue
			}
			out[k] = toJSONSchema(val, unknownKeysApart)
		}
		if nullable, _ := t["nullable"].(bool); nullable {
			if typ, ok := t["type"].(string); ok {
				out["type"] = []any{typ, "null"}
			}
		}
		delete(out, "nullable")
		if unknownKeysApart && out["additionalProperties"] == false {
			delete(out, "additionalProperties")
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = toJSONSchema(val, unknownKeysApart)
		}
		return out
	}
	return v
}

// Closest returns the candidate within edit distance 3 of name, if any:
// near enough to be a likely typo.
func Closest(name string, candidates []string) string {
	best, bestDist := "", 4
	for _, c := range candidates {
		if d := levenshtein.ComputeDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}
