package schema

import (
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
