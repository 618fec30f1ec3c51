package schema

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	openapierrors "k8s.io/kube-openapi/pkg/validation/errors"
)

// violations turns the validator's errors into ours: the path as segments
// of root (so a key with a dot in it stays one segment) and the message in
// our words for the common checks, the validator's otherwise. Missing and
// additional properties of one object make one violation each; keys already
// reported as unknown are not reported again.
func violations(errs []error, root any, reported map[string]bool) []Violation {
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
	// what an error is about: the value's type, a composite check (anyOf,
	// oneOf...) or anything else.
	const (
		other = iota
		typ
		composite
	)
	type found struct {
		Violation
		about int
	}
	typeWrong := map[string]bool{}
	var rest []found
	for _, err := range errs {
		var v *openapierrors.Validation
		if !errors.As(err, &v) {
			msg := err.Error()
			if name, text, isType, ok := rangeMessage(msg, root); ok {
				path := resolve(name, root, false)
				about := other
				if isType {
					about, typeWrong[key(path)] = typ, true
				}
				rest = append(rest, found{Violation{Path: path, Message: text}, about})
				continue
			}
			// The anyOf, oneOf, not and dependency checks say where in
			// their text: "a.b" must validate ...
			quoted, qerr := strconv.QuotedPrefix(msg)
			if qerr != nil {
				add(nil, msg)
				continue
			}
			name, _ := strconv.Unquote(quoted)
			text := strings.TrimSpace(msg[len(quoted):])
			if strings.HasPrefix(text, "must validate all the schemas (allOf)") {
				// The failing schemas' own errors are reported.
				continue
			}
			rest = append(rest, found{Violation{Path: resolve(name, root, false), Message: text}, composite})
			continue
		}
		switch v.Code() {
		case openapierrors.RequiredFailCode:
			path := resolve(v.Name, root, true)
			if len(path) == 0 {
				add(nil, v.Error())
				continue
			}
			into(&missing, path[:len(path)-1], path[len(path)-1])
		case openapierrors.UnallowedPropertyCode:
			path := resolve(v.Name, root, false)
			k := fmt.Sprint(v.Value)
			if reported[key(append(slices.Clone(path), k))] {
				continue
			}
			into(&additional, path, k)
		default:
			path := resolve(v.Name, root, false)
			msg, isType := message(v, valueAt(root, path))
			about := other
			if isType {
				about, typeWrong[key(path)] = typ, true
			}
			rest = append(rest, found{Violation{Path: path, Message: msg}, about})
		}
	}
	for _, v := range rest {
		// A value of the wrong type is reported for that alone.
		if typeWrong[key(v.Path)] && v.about == other {
			continue
		}
		add(v.Path, v.Message)
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

// message renders a validation error, and says whether it is about the
// value's type. at is the value the error is about.
func message(v *openapierrors.Validation, at any) (string, bool) {
	text := v.Error()
	// The validator's words without the path: "should be ...".
	own := strings.TrimPrefix(text, v.Name+" in "+v.In+" ")
	// The bound a check names only in its text.
	bound := func(lead string) (string, bool) { return strings.CutPrefix(own, lead) }
	switch v.Code() {
	case openapierrors.InvalidTypeCode:
		want, ok := strings.CutPrefix(own, "must be of type ")
		if !ok {
			return own, false
		}
		want = strings.TrimSuffix(want, fmt.Sprintf(": %q", v.Value))
		types := strings.Split(want, ",")
		if got, ok := v.Value.(string); ok && allJSONTypes(types) {
			if got == "integer" {
				got = "number" // as JSON has it
			}
			return fmt.Sprintf("got %s, want %s", got, strings.Join(types, " or ")), true
		}
		// A format: a string not of it, or a value not of its type.
		if s, ok := at.(string); ok {
			return fmt.Sprintf("%s is not valid %s", quote(s), want), false
		}
		return fmt.Sprintf("got %s, want %s", jsonType(at), formatType(want)), true
	case openapierrors.EnumFailCode:
		return enumMessage(v.Values), false
	case openapierrors.TooLongFailCode:
		return fmt.Sprintf("maxLength: got %d, want %v", utf8.RuneCountInString(fmt.Sprint(v.Value)), v.Valid), false
	case openapierrors.TooShortFailCode:
		return fmt.Sprintf("minLength: got %d, want %v", utf8.RuneCountInString(fmt.Sprint(v.Value)), v.Valid), false
	case openapierrors.PatternFailCode:
		if p, ok := bound("should match '"); ok && strings.HasSuffix(p, "'") {
			return fmt.Sprintf("%s does not match pattern %s", quote(fmt.Sprint(v.Value)), quote(strings.TrimSuffix(p, "'"))), false
		}
	case openapierrors.MinFailCode:
		if b, ok := bound("should be greater than or equal to "); ok {
			return fmt.Sprintf("minimum: got %v, want %s", v.Value, b), false
		}
		if b, ok := bound("should be greater than "); ok {
			return fmt.Sprintf("exclusiveMinimum: got %v, want %s", v.Value, b), false
		}
	case openapierrors.MaxFailCode:
		if b, ok := bound("should be less than or equal to "); ok {
			return fmt.Sprintf("maximum: got %v, want %s", v.Value, b), false
		}
		if b, ok := bound("should be less than "); ok {
			return fmt.Sprintf("exclusiveMaximum: got %v, want %s", v.Value, b), false
		}
	case openapierrors.MultipleOfFailCode:
		if b, ok := bound("should be a multiple of "); ok {
			return fmt.Sprintf("multipleOf: got %v, want %s", v.Value, b), false
		}
	case openapierrors.MinItemsFailCode:
		return fmt.Sprintf("minItems: got %v, want %v", v.Value, v.Valid), false
	case openapierrors.MaxItemsFailCode:
		return fmt.Sprintf("maxItems: got %v, want %v", v.Value, v.Valid), false
	case openapierrors.TooFewPropertiesCode:
		return fmt.Sprintf("minProperties: got %v, want %v", v.Value, v.Valid), false
	case openapierrors.TooManyPropertiesCode:
		return fmt.Sprintf("maxProperties: got %v, want %v", v.Value, v.Valid), false
	case openapierrors.UniqueFailCode:
		if items, ok := at.([]any); ok {
			for i := range items {
				for j := i + 1; j < len(items); j++ {
					if reflect.DeepEqual(items[i], items[j]) {
						return fmt.Sprintf("items at %d and %d are equal", i, j), false
					}
				}
			}
		}
	}
	return own, false
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

// rangeMessage reads the validator's check that a number fits its type and
// format ("Checked value must be of type integer with format int32 in a.b"):
// the location's name and our message.
func rangeMessage(msg string, root any) (name, text string, isType, ok bool) {
	lead, tail, ok := strings.Cut(msg, " value must be of type ")
	if !ok {
		return "", "", false, false
	}
	want, name, ok := strings.Cut(tail, " in ")
	if !ok {
		return "", "", false, false
	}
	if lead != "Checked" {
		// A bound of the schema that does not fit its type.
		return name, lead + " value must be of type " + want, false, true
	}
	typeName, format, withFormat := strings.Cut(want, " with format ")
	if !withFormat {
		typeName = strings.TrimSuffix(typeName, " (default format)")
		at := valueAt(root, resolve(name, root, false))
		return name, fmt.Sprintf("got %s, want %s", jsonType(at), typeName), true, true
	}
	at := valueAt(root, resolve(name, root, false))
	return name, fmt.Sprintf("%v is not valid %s", at, format), false, true
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

// resolve turns the validator's name of a location (a.b[2].c, with a
// leading dot for some checks at the top) into segments, reading the keys
// off the value so that a key holding a dot or a bracket stays whole. With
// missingLast the last key need not be in the value (a required property).
// A name the value does not explain is split at its dots.
func resolve(name string, root any, missingLast bool) []string {
	if segs, ok := walk(name, root, missingLast); ok {
		return segs
	}
	return SplitDotted(strings.TrimPrefix(name, "."))
}

func walk(rest string, v any, missingLast bool) ([]string, bool) {
	if rest == "" {
		return nil, true
	}
	switch t := v.(type) {
	case []any:
		end := strings.IndexByte(rest, ']')
		if rest[0] != '[' || end < 0 {
			return nil, false
		}
		i, err := strconv.Atoi(rest[1:end])
		if err != nil || i < 0 || i >= len(t) {
			return nil, false
		}
		sub, ok := walk(rest[end+1:], t[i], missingLast)
		if !ok {
			return nil, false
		}
		return append([]string{strconv.Itoa(i)}, sub...), true
	case map[string]any:
		r := strings.TrimPrefix(rest, ".")
		keys := make([]string, 0, len(t))
		for k := range t {
			if strings.HasPrefix(r, k) && (len(r) == len(k) || r[len(k)] == '.' || r[len(k)] == '[') {
				keys = append(keys, k)
			}
		}
		// The longest key first: "a.b" before "a".
		slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
		for _, k := range keys {
			if sub, ok := walk(r[len(k):], t[k], missingLast); ok {
				return append([]string{k}, sub...), true
			}
		}
		if missingLast && r != "" {
			return []string{r}, true
		}
	}
	return nil, false
}

// valueAt is the value at path in root, nil where there is none.
func valueAt(root any, path []string) any {
	v := root
	for _, s := range path {
		switch t := v.(type) {
		case map[string]any:
			v = t[s]
		case []any:
			i, err := strconv.Atoi(s)
			if err != nil || i < 0 || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}
