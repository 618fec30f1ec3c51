package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
)

// compile checks what the validator would only find out value by value, or
// not at all (an unknown type, a pattern that is no regular expression, a
// keyword of the wrong kind, a $ref it cannot follow), and returns the
// schema in the validator's form.
func compile(openAPI map[string]any) (map[string]any, error) {
	return prepare(openAPI, "")
}

// nullable are the keywords that may be null, as if absent.
var nullable = map[string]bool{
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "minProperties": true, "maxProperties": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "uniqueItems": true, "nullable": true,
	"format": true, "enum": true, "required": true,
}

var jsonTypes = map[string]bool{"object": true, "array": true, "string": true, "integer": true, "number": true, "boolean": true, "null": true}

// prepare returns a copy of the schema m at location at in which
// x-kubernetes-int-or-string is the type it stands for, as the API server
// has it, or the first reason the schema cannot be used.
func prepare(m map[string]any, at string) (map[string]any, error) {
	fail := func(keyword, format string, args ...any) error {
		return fmt.Errorf("%s: %s", join(at, keyword), fmt.Sprintf(format, args...))
	}
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
		if v == nil && nullable[k] {
			continue
		}
		switch k {
		case "$ref":
			return nil, fail(k, "references are not supported")
		case "type":
			if !validType(v) {
				return nil, fail(k, "%v is not a type (want one of object, array, string, integer, number, boolean, null)", v)
			}
		case "pattern":
			s, ok := v.(string)
			if !ok {
				return nil, fail(k, "want a string, got %T", v)
			}
			if _, err := regexp.Compile(s); err != nil {
				return nil, fail(k, "%v", err)
			}
		case "minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties":
			if f, ok := number(v); !ok || f != float64(int64(f)) {
				return nil, fail(k, "want an integer, got %v", v)
			}
		case "minimum", "maximum":
			if _, ok := number(v); !ok {
				return nil, fail(k, "want a number, got %v", v)
			}
		case "exclusiveMinimum", "exclusiveMaximum", "uniqueItems", "nullable":
			if _, ok := v.(bool); !ok {
				return nil, fail(k, "want true or false, got %v", v)
			}
		case "format":
			if _, ok := v.(string); !ok {
				return nil, fail(k, "want a string, got %T", v)
			}
		case "enum":
			list, ok := v.([]any)
			if !ok {
				return nil, fail(k, "want a list, got %T", v)
			}
			// The values as JSON has them: every number a float64.
			out[k] = asJSON(list)
		case "required":
			list, ok := v.([]any)
			if !ok {
				return nil, fail(k, "want a list of names, got %T", v)
			}
			for _, e := range list {
				if _, ok := e.(string); !ok {
					return nil, fail(k, "want a list of names, got %v", e)
				}
			}
		case "multipleOf":
			if f, ok := number(v); !ok || f <= 0 {
				return nil, fail(k, "want a number greater than 0, got %v", v)
			}
		case "properties", "patternProperties", "definitions":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, fail(k, "want a map of schemas, got %T", v)
			}
			prepared := make(map[string]any, len(props))
			for name, sub := range props {
				if k == "patternProperties" {
					if _, err := regexp.Compile(name); err != nil {
						return nil, fail(k, "%v", err)
					}
				}
				s, err := prepareSchema(sub, join(join(at, k), name))
				if err != nil {
					return nil, err
				}
				prepared[name] = s
			}
			out[k] = prepared
		case "additionalProperties", "additionalItems":
			if _, ok := v.(bool); ok || v == nil {
				continue
			}
			s, err := prepareSchema(v, join(at, k))
			if err != nil {
				return nil, err
			}
			out[k] = s
		case "items", "allOf", "anyOf", "oneOf":
			list, ok := v.([]any)
			if !ok && k == "items" {
				s, err := prepareSchema(v, join(at, k))
				if err != nil {
					return nil, err
				}
				out[k] = s
				continue
			}
			if !ok {
				return nil, fail(k, "want a list of schemas, got %T", v)
			}
			prepared := make([]any, len(list))
			for i, sub := range list {
				s, err := prepareSchema(sub, fmt.Sprintf("%s[%d]", join(at, k), i))
				if err != nil {
					return nil, err
				}
				prepared[i] = s
			}
			out[k] = prepared
		case "not":
			s, err := prepareSchema(v, join(at, k))
			if err != nil {
				return nil, err
			}
			out[k] = s
		case "dependencies":
			deps, ok := v.(map[string]any)
			if !ok {
				return nil, fail(k, "want a map, got %T", v)
			}
			prepared := make(map[string]any, len(deps))
			for name, dep := range deps {
				prepared[name] = dep
				if _, isList := dep.([]any); isList {
					continue
				}
				s, err := prepareSchema(dep, join(join(at, k), name))
				if err != nil {
					return nil, err
				}
				prepared[name] = s
			}
			out[k] = prepared
		}
	}
	if intOrString, _ := m["x-kubernetes-int-or-string"].(bool); intOrString && m["type"] == nil {
		out["type"] = []any{"integer", "string"}
	}
	return out, nil
}

func prepareSchema(v any, at string) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New(at + ": want a schema, got " + fmt.Sprintf("%T", v))
	}
	return prepare(m, at)
}

func validType(v any) bool {
	switch t := v.(type) {
	case string:
		return jsonTypes[t]
	case []any:
		for _, e := range t {
			if s, ok := e.(string); !ok || !jsonTypes[s] {
				return false
			}
		}
		return len(t) > 0
	}
	return false
}

func number(v any) (float64, bool) {
	switch n := native(v).(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func join(at, k string) string {
	if at == "" {
		return k
	}
	return at + "." + k
}

// asJSON is v with every number a float64, as decoding JSON gives it.
func asJSON(v any) any {
	switch t := v.(type) {
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = asJSON(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = asJSON(e)
		}
		return out
	case nil, string, bool:
		return v
	}
	if f, ok := number(v); ok {
		return f
	}
	return v
}
