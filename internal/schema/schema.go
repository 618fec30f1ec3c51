// Package schema validates values against the OpenAPI v3 schemas that
// Kubernetes objects carry (a ClusterClass variable's schema, a Carvel
// package's valuesSchema, a CRD's openAPIV3Schema) and reports every
// violation with the path of the value, so the caller can turn it into a
// file line. It is the one JSON-schema validator of kubectl tko, and it
// validates as the API server does a custom resource, for the structural
// schema subset of OpenAPI v3 that Kubernetes uses, with the API server's
// validator's checks, order and formats.
package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agnivade/levenshtein"

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
// violation, ordered by path. x-kubernetes-int-or-string is read as the API
// server reads it; the other x-kubernetes-* keywords do not validate.
func Validate(openAPI map[string]any, value any, opts Options) ([]Violation, error) {
	if len(openAPI) == 0 {
		return nil, nil
	}
	sch, err := compile(openAPI)
	if err != nil {
		return nil, &CompileError{Err: err}
	}
	var out []Violation
	reported := map[string]bool{}
	if opts.UnknownKeys {
		unknownKeys(openAPI, value, nil, &out)
		for _, v := range out {
			reported[key(v.Path)] = true
		}
	}
	c := &checker{patterns: map[string]*regexp.Regexp{}}
	out = append(out, violations(c.check(sch, value, nil).found, reported)...)
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

func key(path []string) string { return strings.Join(path, "\x00") }

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
