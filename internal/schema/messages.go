package schema

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// violations turns the findings into violations: missing and additional
// properties of one object make one violation each, keys already reported
// as unknown are not reported again, and a value of the wrong type is
// reported for that alone.
func violations(found []finding, reported map[string]bool) []Violation {
	var out []Violation
	seen := map[string]bool{}
	add := func(path []string, msg string) {
		if k := key(path) + "\x01" + msg; !seen[k] {
			seen[k] = true
			out = append(out, Violation{Path: path, Message: msg})
		}
	}
	type group struct {
		path []string
		keys []string
	}
	var missing, additional []*group
	into := func(groups *[]*group, path []string, k string) {
		for _, g := range *groups {
			if slices.Equal(g.path, path) {
				if !slices.Contains(g.keys, k) {
					g.keys = append(g.keys, k)
				}
				return
			}
		}
		*groups = append(*groups, &group{path: path, keys: []string{k}})
	}
	typeWrong := map[string]bool{}
	for _, f := range found {
		if f.about == typ {
			typeWrong[key(f.path)] = true
		}
	}
	for _, f := range found {
		switch f.about {
		case missingKey:
			into(&missing, f.path, f.key)
		case additionalKey:
			if !reported[key(child(f.path, f.key))] {
				into(&additional, f.path, f.key)
			}
		case other:
			if !typeWrong[key(f.path)] {
				add(f.path, f.msg)
			}
		default:
			add(f.path, f.msg)
		}
	}
	for _, g := range missing {
		if len(g.keys) == 1 {
			add(g.path, "missing property "+quote(g.keys[0]))
		} else {
			add(g.path, "missing properties "+joinQuoted(g.keys))
		}
	}
	for _, g := range additional {
		slices.Sort(g.keys)
		add(g.path, "additional properties "+joinQuoted(g.keys)+" not allowed")
	}
	return out
}

func enumMessage(values []any) string {
	want := make([]string, 0, len(values))
	for _, v := range values {
		switch t := v.(type) {
		case []any, map[string]any:
			return "value must be one of the schema's enum"
		case string:
			want = append(want, quote(t))
		default:
			want = append(want, fmt.Sprint(v))
		}
	}
	if len(want) == 1 {
		return "value must be " + want[0]
	}
	return "value must be one of " + strings.Join(want, ", ")
}

// formatType is the JSON type of a format's values.
func formatType(format string) string {
	switch format {
	case "int32", "int64":
		return "integer"
	case "float", "double":
		return "number"
	}
	return "string"
}

func allJSONTypes(types []string) bool {
	for _, t := range types {
		if !jsonTypes[t] {
			return false
		}
	}
	return len(types) > 0
}

// jsonType names the JSON type of a value; every number is a number.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// quote renders s in single quotes.
func quote(s string) string {
	s = strconv.Quote(s)
	s = strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	return "'" + strings.ReplaceAll(s, "'", `\'`) + "'"
}

func joinQuoted(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = quote(s)
	}
	return strings.Join(out, ", ")
}
