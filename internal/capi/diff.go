package capi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
)

// Change is one field that differs between two versions of an object.
type Change struct {
	Path   string `json:"path"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after,omitempty"`
}

func (c Change) String() string {
	return fmt.Sprintf("%s: %s → %s", c.Path, show(c.Before), show(c.After))
}

func show(v any) string {
	if v == nil {
		return "(none)"
	}
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// Diff lists the leaf fields that differ between two JSON-like values.
// Lists of named items (machine deployments, variables) are compared by name.
func Diff(path string, before, after any) []Change {
	if reflect.DeepEqual(before, after) {
		return nil
	}
	bm, bok := before.(map[string]any)
	am, aok := after.(map[string]any)
	if bok && aok {
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		var out []Change
		for _, k := range sorted {
			out = append(out, Diff(join(path, k), bm[k], am[k])...)
		}
		return out
	}
	bl, blok := before.([]any)
	al, alok := after.([]any)
	if blok && alok && named(bl) && named(al) {
		byName := func(l []any) (map[string]any, []string) {
			m, order := map[string]any{}, []string{}
			for _, item := range l {
				n := item.(map[string]any)["name"].(string)
				m[n] = item
				order = append(order, n)
			}
			return m, order
		}
		bn, border := byName(bl)
		an, aorder := byName(al)
		var out []Change
		seen := map[string]bool{}
		for _, n := range append(border, aorder...) {
			if seen[n] {
				continue
			}
			seen[n] = true
			out = append(out, Diff(fmt.Sprintf("%s[%s]", path, n), bn[n], an[n])...)
		}
		return out
	}
	return []Change{{Path: path, Before: before, After: after}}
}

func named(l []any) bool {
	for _, item := range l {
		m, ok := item.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return len(l) > 0
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
