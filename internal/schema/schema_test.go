package schema

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

var contourSchema = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"contour": map[string]any{"type": "object", "properties": map[string]any{
			"replicas": map[string]any{"type": "integer", "minimum": int64(1)},
			"logLevel": map[string]any{"type": "string", "enum": []any{"info", "debug"}},
		}},
		"envoy": map[string]any{"type": "object", "nullable": true, "properties": map[string]any{
			"ports": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{"port": map[string]any{"type": "integer"}}}},
		}},
		"extra": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true},
	},
}

func TestValidate(t *testing.T) {
	doc := `contour:
  replicas: three
  logLevl: debug
envoy:
  ports:
  - port: 80
  - port: http
extra:
  anything: goes
`
	docs, err := yamldoc.Parse("values.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Validate(contourSchema, docs[0].Data, Options{UnknownKeys: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		path, msg string
		line      int
	}{
		{"contour.logLevl", `unknown key "logLevl" (did you mean "logLevel"?)`, 3},
		{"contour.replicas", "got string, want integer", 2},
		{"envoy.ports[1].port", "got string, want integer", 7},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d violations, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Dotted() != w.path || !strings.Contains(got[i].Message, w.msg) || got[i].Line(docs[0]) != w.line {
			t.Errorf("violation %d: %s (line %d): %s; want %s (line %d): %s", i, got[i].Dotted(), got[i].Line(docs[0]), got[i].Message, w.path, w.line, w.msg)
		}
	}
}

func TestValidateNullableAndClean(t *testing.T) {
	for _, v := range []any{
		map[string]any{"envoy": nil},
		map[string]any{"contour": map[string]any{"replicas": int64(2), "logLevel": "info"}},
	} {
		got, err := Validate(contourSchema, v, Options{UnknownKeys: true})
		if err != nil || len(got) != 0 {
			t.Errorf("%v: got %+v, %v", v, got, err)
		}
	}
}

func TestValidateClosedObjectWithoutUnknownKeys(t *testing.T) {
	closed := map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{"a": map[string]any{"type": "string"}}}
	got, err := Validate(closed, map[string]any{"b": "x"}, Options{})
	if err != nil || len(got) != 1 || !strings.Contains(got[0].Message, "additional") {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestValidateBrokenSchema(t *testing.T) {
	_, err := Validate(map[string]any{"type": 7}, "x", Options{})
	var compile *CompileError
	if !errors.As(err, &compile) {
		t.Fatalf("want a CompileError, got %v", err)
	}
}

func TestDottedRoundTrip(t *testing.T) {
	for _, p := range []string{"", "a", "a.b[0].c", "spec.topology.variables[3].value"} {
		if got := Dotted(SplitDotted(p)); got != p {
			t.Errorf("%q -> %q", p, got)
		}
	}
}

func TestClosest(t *testing.T) {
	known := []string{"contour.tanzu.vmware.com", "cert-manager.tanzu.vmware.com"}
	if got := Closest("contuor.tanzu.vmware.com", known); got != "contour.tanzu.vmware.com" {
		t.Errorf("got %q", got)
	}
	if got := Closest("harbor", known); got != "" {
		t.Errorf("got %q for a far name", got)
	}
}

func TestMessages(t *testing.T) {
	obj := func(props map[string]any) map[string]any {
		return map[string]any{"type": "object", "properties": props}
	}
	for _, tc := range []struct {
		name   string
		schema map[string]any
		value  any
		want   []string // dotted path: message
	}{
		{"type", obj(map[string]any{"a": map[string]any{"type": "integer"}}), map[string]any{"a": "x"}, []string{"a: got string, want integer"}},
		{"an integer is a number", obj(map[string]any{"a": map[string]any{"type": "string"}}), map[string]any{"a": int64(3)}, []string{"a: got number, want string"}},
		{"null", obj(map[string]any{"a": map[string]any{"type": "string"}}), map[string]any{"a": nil}, []string{"a: got null, want string"}},
		{"the type alone", obj(map[string]any{"a": map[string]any{"type": "string", "enum": []any{"x"}}}), map[string]any{"a": true}, []string{"a: got boolean, want string"}},
		{"enum", obj(map[string]any{"a": map[string]any{"type": "string", "enum": []any{"a", "b"}}}), map[string]any{"a": "c"}, []string{"a: value must be one of 'a', 'b'"}},
		{"enum of one", obj(map[string]any{"a": map[string]any{"enum": []any{int64(1)}}}), map[string]any{"a": int64(2)}, []string{"a: value must be 1"}},
		{"minimum", obj(map[string]any{"a": map[string]any{"type": "integer", "minimum": int64(1)}}), map[string]any{"a": int64(0)}, []string{"a: minimum: got 0, want 1"}},
		{"maximum", obj(map[string]any{"a": map[string]any{"type": "number", "maximum": 2.5}}), map[string]any{"a": 3.5}, []string{"a: maximum: got 3.5, want 2.5"}},
		{"exclusive minimum", obj(map[string]any{"a": map[string]any{"type": "integer", "minimum": int64(1), "exclusiveMinimum": true}}), map[string]any{"a": int64(1)}, []string{"a: exclusiveMinimum: got 1, want 1"}},
		{"multipleOf", obj(map[string]any{"a": map[string]any{"type": "integer", "multipleOf": int64(2)}}), map[string]any{"a": int64(3)}, []string{"a: multipleOf: got 3, want 2"}},
		{"maxLength", obj(map[string]any{"a": map[string]any{"type": "string", "maxLength": int64(2)}}), map[string]any{"a": "abé"}, []string{"a: maxLength: got 3, want 2"}},
		{"minLength", obj(map[string]any{"a": map[string]any{"type": "string", "minLength": int64(2)}}), map[string]any{"a": "a"}, []string{"a: minLength: got 1, want 2"}},
		{"pattern", obj(map[string]any{"a": map[string]any{"type": "string", "pattern": "^[a-z]+$"}}), map[string]any{"a": "A1"}, []string{"a: 'A1' does not match pattern '^[a-z]+$'"}},
		{"format", obj(map[string]any{"a": map[string]any{"type": "string", "format": "ipv4"}}), map[string]any{"a": "10.0.0"}, []string{"a: '10.0.0' is not valid ipv4"}},
		{"unknown format", obj(map[string]any{"a": map[string]any{"type": "string", "format": "flavour"}}), map[string]any{"a": "x"}, nil},
		{"int32", obj(map[string]any{"a": map[string]any{"type": "integer", "format": "int32"}}), map[string]any{"a": int64(1) << 40}, []string{"a: 1099511627776 is not valid int32"}},
		{"items", map[string]any{"type": "array", "minItems": int64(3)}, []any{"a", "a"}, []string{": minItems: got 2, want 3"}},
		{"unique", map[string]any{"type": "array", "uniqueItems": true}, []any{"a", "b", "a"}, []string{": items at 0 and 2 are equal"}},
		{"maxProperties", map[string]any{"type": "object", "maxProperties": int64(1)}, map[string]any{"a": 1, "b": 2}, []string{": maxProperties: got 2, want 1"}},
		{"missing", map[string]any{"type": "object", "required": []any{"a"}, "properties": map[string]any{"s": map[string]any{"type": "object", "required": []any{"x", "y.z"}}}},
			map[string]any{"s": map[string]any{}}, []string{": missing property 'a'", "s: missing properties 'x', 'y.z'"}},
		{"additional", map[string]any{"type": "object", "additionalProperties": false}, map[string]any{"b": 1, "a": 2}, []string{": additional properties 'a', 'b' not allowed"}},
		{"int-or-string", obj(map[string]any{"port": map[string]any{"x-kubernetes-int-or-string": true}}), map[string]any{"port": true}, []string{"port: got boolean, want integer or string"}},
		{"int-or-string holds either", obj(map[string]any{"a": map[string]any{"x-kubernetes-int-or-string": true}, "b": map[string]any{"x-kubernetes-int-or-string": true}}), map[string]any{"a": int64(80), "b": "http"}, nil},
		{"anyOf", obj(map[string]any{"a": map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string", "pattern": "^x"}}}}),
			map[string]any{"a": "y"}, []string{"a: must validate at least one schema (anyOf)", "a: 'y' does not match pattern '^x'"}},
		{"allOf", obj(map[string]any{"a": map[string]any{"allOf": []any{map[string]any{"minLength": int64(3)}, map[string]any{"pattern": "^x"}}}}),
			map[string]any{"a": "y"}, []string{"a: minLength: got 1, want 3", "a: 'y' does not match pattern '^x'"}},
		{"oneOf", map[string]any{"oneOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "number"}}}, int64(3),
			[]string{": must validate one and only one schema (oneOf). Found 2 valid alternatives"}},
		{"not", map[string]any{"not": map[string]any{"enum": []any{"x"}}}, "x", []string{": must not validate the schema (not)"}},
		{"a fraction divides an integer", map[string]any{"type": "number", "multipleOf": 0.5}, int64(3), nil},
		{"a whole float is an integer", map[string]any{"type": "integer", "maximum": int64(2)}, 3.0, []string{": maximum: got 3, want 2"}},
		{"a JSON number", map[string]any{"type": "integer", "minimum": int64(5)}, json.Number("4"), []string{": minimum: got 4, want 5"}},
		{"a string stops at its first failed check", map[string]any{"type": "string", "maxLength": int64(1), "pattern": "^x"}, "ab", []string{": maxLength: got 2, want 1"}},
		{"cidr", map[string]any{"type": "string", "format": "cidr"}, "10.0.0.0/33", []string{": '10.0.0.0/33' is not valid cidr"}},
		{"date-time", map[string]any{"type": "string", "format": "date-time"}, "2024-01-02 03:04", []string{": '2024-01-02 03:04' is not valid date-time"}},
		{"an enum value as JSON has it", map[string]any{"enum": []any{int64(1)}}, 1.5, []string{": value must be 1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Validate(tc.schema, tc.value, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, v := range got {
				msgs = append(msgs, v.Dotted()+": "+v.Message)
			}
			if strings.Join(msgs, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// A key holding dots or brackets stays one segment, so its line is found.
func TestPathSegments(t *testing.T) {
	doc := `metadata:
  labels:
    app.kubernetes.io/name: 3
items:
- a[0]: x
`
	docs, err := yamldoc.Parse("x.yaml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	s := map[string]any{"type": "object", "properties": map[string]any{
		"metadata": map[string]any{"type": "object", "properties": map[string]any{
			"labels": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}}},
		"items": map[string]any{"type": "array", "items": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "integer"}}},
	}}
	got, err := Validate(s, docs[0].Data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		path []string
		line int
	}{{[]string{"items", "0", "a[0]"}, 5}, {[]string{"metadata", "labels", "app.kubernetes.io/name"}, 3}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if strings.Join(got[i].Path, "|") != strings.Join(w.path, "|") || got[i].Line(docs[0]) != w.line {
			t.Errorf("got %q (line %d), want %q (line %d)", got[i].Path, got[i].Line(docs[0]), w.path, w.line)
		}
	}
}

// With unknown keys reported, a closed object's extra key is reported once,
// with its suggestion.
func TestClosedObjectWithUnknownKeys(t *testing.T) {
	closed := map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{"name": map[string]any{"type": "string"}}}
	got, err := Validate(closed, map[string]any{"nme": "x"}, Options{UnknownKeys: true})
	if err != nil || len(got) != 1 || got[0].Message != `unknown key "nme" (did you mean "name"?)` {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestUnusableSchemas(t *testing.T) {
	for name, s := range map[string]map[string]any{
		"type":      {"type": "strin"},
		"pattern":   {"type": "string", "pattern": "("},
		"nested":    {"type": "object", "properties": map[string]any{"a": map[string]any{"type": "array", "items": map[string]any{"pattern": "[a-"}}}},
		"keyword":   {"type": "string", "minLength": "two"},
		"reference": {"properties": map[string]any{"a": map[string]any{"$ref": "#/definitions/a"}}},
		"multiple":  {"type": "integer", "multipleOf": int64(0)},
	} {
		_, err := Validate(s, "x", Options{})
		var compile *CompileError
		if !errors.As(err, &compile) {
			t.Errorf("%s: want a CompileError, got %v", name, err)
		}
	}
}
