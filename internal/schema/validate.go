package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// What a finding is about: the value's type, a composite check (anyOf,
// oneOf, not), a missing or an additional property, or anything else.
const (
	other = iota
	typ
	composite
	missingKey
	additionalKey
)

// finding is one failed check at a path; for a missing or an additional
// property, key is the property and path the object's.
type finding struct {
	path  []string
	msg   string
	about int
	key   string
}

// result is what validating a value against a schema found, and a count of
// the checks that applied and passed, counted as the API server's validator
// counts them, to pick the closest alternative of an anyOf or oneOf.
type result struct {
	found []finding
	match int
}

func (r *result) add(path []string, about int, msg string) {
	r.found = append(r.found, finding{path: path, msg: msg, about: about})
}

func (r *result) merge(o result) {
	r.found = append(r.found, o.found...)
	r.match += o.match
}

func (r *result) valid() bool { return len(r.found) == 0 }

// checker validates values against a prepared schema; it compiles each
// pattern once.
type checker struct {
	patterns map[string]*regexp.Regexp
}

func (c *checker) regexp(p string) *regexp.Regexp {
	re, ok := c.patterns[p]
	if !ok {
		re, _ = regexp.Compile(p) // compile checked it
		c.patterns[p] = re
	}
	return re
}

func child(path []string, seg string) []string {
	out := make([]string, len(path), len(path)+1)
	copy(out, path)
	return append(out, seg)
}

// check validates v against the prepared schema s at path, in the order of
// the API server's validator: type, composites, string, format, number,
// array, enum, object.
func (c *checker) check(s map[string]any, v any, path []string) result {
	var r result
	types := typeList(s["type"])
	nullable, _ := s["nullable"].(bool)
	format, _ := s["format"].(string)
	if v == nil {
		if len(types) > 0 && !slices.Contains(types, "null") && !nullable {
			r.add(path, typ, fmt.Sprintf("got null, want %s", strings.Join(types, " or ")))
		}
		c.enum(s, v, path, &r)
		return r
	}
	if num, ok := v.(json.Number); ok && !slices.Contains(types, "integer") && slices.Contains(types, "number") {
		// A number schema reads a JSON number as a float, as the API
		// server's validator does.
		if f, err := num.Float64(); err == nil {
			v = f
		}
	}
	v = native(v)
	if len(types) > 0 || format != "" {
		if msg := typeFailure(types, format, v); msg != "" {
			r.add(path, typ, msg)
		} else {
			r.match++
		}
	}
	c.composites(s, v, path, &r)
	switch val := v.(type) {
	case string:
		c.str(s, val, path, &r)
		if format != "" {
			if valid, known := formatValid(format, val); known {
				if !valid {
					r.add(path, other, fmt.Sprintf("%s is not valid %s", quote(val), format))
				}
			}
		}
	case int64, float64:
		c.number(s, types, format, val, path, &r)
	case []any:
		c.array(s, val, path, &r)
	}
	c.enum(s, v, path, &r)
	if val, ok := v.(map[string]any); ok {
		c.object(s, val, path, &r)
	}
	r.match++
	return r
}

// native reads every number as int64 or float64.
func native(v any) any {
	switch t := v.(type) {
	case int64, float64, string, bool, []any, map[string]any:
		return v
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return v
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u)
		}
		return float64(rv.Uint())
	case reflect.Float32, reflect.Float64:
		return rv.Float()
	}
	return v
}

func typeList(t any) []string {
	switch x := t.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// jsonInteger says whether f is an integer JSON carries exactly.
func jsonInteger(f float64) bool {
	return !math.IsNaN(f) && !math.IsInf(f, 0) && math.Abs(f) <= 1<<53 && f == math.Trunc(f)
}

// typeFailure is the message for a value not of the schema's type (or of
// its format's type), "" when it is.
func typeFailure(types []string, format string, v any) string {
	schType, valFormat := "", ""
	isString, isSlice := false, false
	switch v.(type) {
	case bool:
		schType = "boolean"
	case string:
		schType, isString = "string", true
	case int64:
		schType, valFormat = "integer", "int64"
	case float64:
		schType, valFormat = "number", "double"
	case []any:
		schType, isSlice = "array", true
	case map[string]any:
		schType = "object"
	default:
		schType = jsonType(v)
	}
	isFloatInt := false
	if f, ok := v.(float64); ok {
		isFloatInt = jsonInteger(f) && slices.Contains(types, "integer")
	}
	isIntFloat := schType == "integer" && slices.Contains(types, "number")
	fitsType := slices.Contains(types, schType) || isFloatInt || isIntFloat
	if !isString && !isSlice && format != "" && !fitsType && format != valFormat {
		return invalidType([]string{format}, v)
	}
	if !slices.Contains(types, "number") && !slices.Contains(types, "integer") && format != "" && (isString || isSlice) {
		return ""
	}
	if !fitsType {
		return invalidType(types, v)
	}
	return ""
}

// invalidType words a failed type check against want (JSON types, or one
// format).
func invalidType(want []string, v any) string {
	if allJSONTypes(want) {
		got := jsonType(v)
		return fmt.Sprintf("got %s, want %s", got, strings.Join(want, " or "))
	}
	w := strings.Join(want, ",")
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%s is not valid %s", quote(s), w)
	}
	return fmt.Sprintf("got %s, want %s", jsonType(v), formatType(w))
}

func (c *checker) composites(s map[string]any, v any, path []string, r *result) {
	if list, ok := s["anyOf"].([]any); ok && len(list) > 0 {
		var best *result
		succeeded := false
		for _, sub := range list {
			res := c.check(sub.(map[string]any), v, path)
			if res.valid() {
				succeeded, best = true, &res
				break
			}
			if best == nil || res.match > best.match {
				best = &res
			}
		}
		if !succeeded {
			r.add(path, composite, "must validate at least one schema (anyOf)")
		}
		if best != nil {
			r.merge(*best)
		}
	}
	if list, ok := s["oneOf"].([]any); ok && len(list) > 0 {
		var best, first *result
		validated := 0
		for _, sub := range list {
			res := c.check(sub.(map[string]any), v, path)
			if res.valid() {
				validated++
				best = nil
				if first == nil {
					first = &res
				}
				continue
			}
			if validated == 0 && (best == nil || res.match > best.match) {
				best = &res
			}
		}
		switch {
		case validated == 0:
			r.add(path, composite, "must validate one and only one schema (oneOf). Found none valid")
		case validated > 1:
			r.add(path, composite, fmt.Sprintf("must validate one and only one schema (oneOf). Found %d valid alternatives", validated))
		}
		if validated != 1 && best != nil {
			r.merge(*best)
		} else if validated == 1 {
			r.merge(*first)
		}
	}
	if list, ok := s["allOf"].([]any); ok {
		// The failing schemas' own errors are reported.
		for _, sub := range list {
			r.merge(c.check(sub.(map[string]any), v, path))
		}
	}
	if sub, ok := s["not"].(map[string]any); ok {
		if res := c.check(sub, v, path); res.valid() {
			r.add(path, composite, "must not validate the schema (not)")
		}
	}
	if deps, ok := s["dependencies"].(map[string]any); ok {
		if obj, isObj := v.(map[string]any); isObj {
			keys := sortedKeys(deps)
			for _, k := range keys {
				if _, present := obj[k]; !present {
					continue
				}
				switch dep := deps[k].(type) {
				case []any:
					for _, req := range dep {
						name, _ := req.(string)
						if _, present := obj[name]; !present {
							r.found = append(r.found, finding{path: path, about: missingKey, key: name})
						}
					}
				case map[string]any:
					r.merge(c.check(dep, v, path))
				}
			}
		}
	}
}

// str checks a string's length and pattern, stopping at the first failure.
func (c *checker) str(s map[string]any, v string, path []string, r *result) {
	n := utf8.RuneCountInString(v)
	if bound, ok := integer(s["maxLength"]); ok && int64(n) > bound {
		r.add(path, other, fmt.Sprintf("maxLength: got %d, want %d", n, bound))
		return
	}
	if bound, ok := integer(s["minLength"]); ok && int64(n) < bound {
		r.add(path, other, fmt.Sprintf("minLength: got %d, want %d", n, bound))
		return
	}
	if p, ok := s["pattern"].(string); ok && p != "" && !c.regexp(p).MatchString(v) {
		r.add(path, other, fmt.Sprintf("%s does not match pattern %s", quote(v), quote(p)))
	}
}

// integer reads an integer keyword.
func integer(v any) (int64, bool) {
	if v == nil {
		return 0, false
	}
	switch n := native(v).(type) {
	case int64:
		return n, true
	case float64:
		return int64(n), true
	}
	return 0, false
}

// rangeType is the type and format a number must fit: the schema's one
// type, and its format if it suits that type.
func rangeType(types []string, format string) (string, string) {
	if len(types) != 1 {
		return "", ""
	}
	switch types[0] {
	case "integer":
		if format == "int32" || format == "int64" {
			return "integer", format
		}
		return "integer", ""
	case "number":
		if format == "float" || format == "double" {
			return "number", format
		}
		return "number", ""
	}
	return "", ""
}

// fits says whether the number v fits the type and format.
func fits(v any, typeName, format string) bool {
	var rep string
	switch n := v.(type) {
	case int64:
		rep = strconv.FormatInt(n, 10)
	case float64:
		rep = strconv.FormatFloat(n, 'f', -1, 64)
	default:
		return false
	}
	var err error
	switch typeName {
	case "integer":
		if format == "int32" {
			_, err = strconv.ParseInt(rep, 10, 32)
		} else {
			_, err = strconv.ParseInt(rep, 10, 64)
		}
	default:
		if format == "float" {
			_, err = strconv.ParseFloat(rep, 32)
		}
	}
	return err == nil
}

func asFloat(v any) float64 {
	switch n := v.(type) {
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

func (c *checker) number(s map[string]any, types []string, format string, v any, path []string, r *result) {
	typeName, rangeFormat := rangeType(types, format)
	if !fits(v, typeName, rangeFormat) {
		if rangeFormat != "" {
			r.add(path, other, fmt.Sprintf("%v is not valid %s", v, rangeFormat))
		} else {
			r.add(path, typ, fmt.Sprintf("got %s, want %s", jsonType(v), typeName))
		}
	}
	// A bound that does not fit the type is said, and compared as a float.
	bound := func(keyword, lead string) (any, bool, bool) {
		b, ok := s[keyword]
		if !ok || b == nil {
			return nil, false, false
		}
		b = native(b)
		if !fits(b, typeName, rangeFormat) {
			want := typeName + " (default format)"
			if rangeFormat != "" {
				want = typeName + " with format " + rangeFormat
			}
			r.add(path, other, lead+" value must be of type "+want)
			return b, true, false
		}
		return b, true, true
	}
	i, isInt := v.(int64)
	f := asFloat(v)
	if b, ok, fitting := bound("multipleOf", "MultipleOf"); ok {
		factor := asFloat(b)
		fail := false
		// (the API server's validator truncates a factor below 1 to 0 for an
		// integer value and says the factor must be positive; a fraction of
		// an integer is compared as a float instead.)
		if fitting && isInt && int64(factor) != 0 {
			fail = i%int64(factor) != 0
			if fail {
				r.add(path, other, fmt.Sprintf("multipleOf: got %v, want %v", i, int64(factor)))
			}
		} else {
			mult := f / factor
			if factor < 1 {
				mult = 1 / factor * f
			}
			fail = !jsonInteger(mult)
			if fail {
				r.add(path, other, fmt.Sprintf("multipleOf: got %v, want %v", f, factor))
			}
		}
	}
	limit := func(keyword, lead, name string, below bool) {
		b, ok, fitting := bound(keyword, lead)
		if !ok {
			return
		}
		exclusive, _ := s["exclusive"+strings.ToUpper(name[:1])+name[1:]].(bool)
		kw := name
		if exclusive {
			kw = "exclusive" + strings.ToUpper(name[:1]) + name[1:]
		}
		var fail bool
		var got, want any
		if fitting && isInt {
			bi := int64(asFloat(b))
			if bb, isIntBound := b.(int64); isIntBound {
				bi = bb
			}
			got, want = i, bi
			if below {
				fail = i < bi || exclusive && i == bi
			} else {
				fail = i > bi || exclusive && i == bi
			}
		} else {
			bf := asFloat(b)
			got, want = f, bf
			if below {
				fail = f < bf || exclusive && f == bf
			} else {
				fail = f > bf || exclusive && f == bf
			}
		}
		if fail {
			r.add(path, other, fmt.Sprintf("%s: got %v, want %v", kw, got, want))
		}
	}
	limit("minimum", "Minimum boundary", "minimum", true)
	limit("maximum", "Maximum boundary", "maximum", false)
	r.match++
}

func (c *checker) array(s map[string]any, v []any, path []string, r *result) {
	if items, ok := s["items"].(map[string]any); ok {
		for i, item := range v {
			r.merge(c.check(items, item, child(path, strconv.Itoa(i))))
		}
	} else if list, ok := s["items"].([]any); ok {
		for i, item := range v {
			if i < len(list) {
				r.merge(c.check(list[i].(map[string]any), item, child(path, strconv.Itoa(i))))
				continue
			}
			switch extra := s["additionalItems"].(type) {
			case bool:
				if !extra {
					r.add(path, other, "array doesn't allow for additional items")
				}
			case map[string]any:
				r.merge(c.check(extra, item, child(path, strconv.Itoa(i))))
			}
		}
	}
	n := int64(len(v))
	if bound, ok := integer(s["minItems"]); ok && n < bound {
		r.add(path, other, fmt.Sprintf("minItems: got %d, want %d", n, bound))
	}
	if bound, ok := integer(s["maxItems"]); ok && n > bound {
		r.add(path, other, fmt.Sprintf("maxItems: got %d, want %d", n, bound))
	}
	if unique, _ := s["uniqueItems"].(bool); unique {
	pairs:
		for i := range v {
			for j := i + 1; j < len(v); j++ {
				if reflect.DeepEqual(v[i], v[j]) {
					r.add(path, other, fmt.Sprintf("items at %d and %d are equal", i, j))
					break pairs
				}
			}
		}
	}
	r.match++
}

// enum checks v against the schema's enum as the API server's validator
// does: v converted to each value's Go type.
func (c *checker) enum(s map[string]any, v any, path []string, r *result) {
	values, ok := s["enum"].([]any)
	if !ok || len(values) == 0 {
		return
	}
	for _, e := range values {
		want := reflect.TypeOf(e)
		if want == nil {
			continue
		}
		got := reflect.ValueOf(v)
		if got.IsValid() && got.Type().ConvertibleTo(want) && reflect.DeepEqual(got.Convert(want).Interface(), e) {
			return
		}
	}
	r.add(path, other, enumMessage(values))
}

func (c *checker) object(s map[string]any, v map[string]any, path []string, r *result) {
	n := int64(len(v))
	if bound, ok := integer(s["minProperties"]); ok && n < bound {
		r.add(path, other, fmt.Sprintf("minProperties: got %d, want %d", n, bound))
	}
	if bound, ok := integer(s["maxProperties"]); ok && n > bound {
		r.add(path, other, fmt.Sprintf("maxProperties: got %d, want %d", n, bound))
	}
	props, _ := s["properties"].(map[string]any)
	patterns, _ := s["patternProperties"].(map[string]any)
	patternNames := sortedKeys(patterns)
	matching := func(k string) []string {
		var out []string
		for _, p := range patternNames {
			if c.regexp(p).MatchString(k) {
				out = append(out, p)
			}
		}
		return out
	}
	keys := sortedKeys(v)
	for _, k := range keys {
		_, declared := props[k]
		matched := matching(k)
		if !declared && len(matched) == 0 {
			switch extra := s["additionalProperties"].(type) {
			case bool:
				if !extra {
					r.found = append(r.found, finding{path: path, about: additionalKey, key: k})
				}
			case map[string]any:
				r.merge(c.check(extra, v[k], child(path, k)))
			}
		}
		if declared {
			r.merge(c.check(props[k].(map[string]any), v[k], child(path, k)))
		}
		for _, p := range matched {
			r.merge(c.check(patterns[p].(map[string]any), v[k], child(path, k)))
		}
	}
	if required, ok := s["required"].([]any); ok {
		for _, name := range required {
			k, _ := name.(string)
			if _, present := v[k]; !present {
				r.found = append(r.found, finding{path: path, about: missingKey, key: k})
			}
		}
	}
	r.match++
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
