package yamldoc

import (
	"errors"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func TestParseErrorsNameTheirLine(t *testing.T) {
	for _, tc := range []struct {
		text string
		line int
	}{
		{"a: 1\nb: 2\nc: [x\n", 3},
		{"a: 1\nb: {x: 1\n", 2},
		{"a: 1\nb: [\n", 3}, // the end of the file, where the node was due
		{"name: [x\n", 2},
		{"a: 1\nb: 2\n  c: 3\n", 3},
		{"a: 1\n\tb: 2\n", 2},
	} {
		_, err := Parse("f.yaml", []byte(tc.text))
		var in *errs.InputError
		if !errors.As(err, &in) || in.Line != tc.line {
			t.Errorf("%q: got %v, want line %d", tc.text, err, tc.line)
		}
	}
}

func TestLineOfAPath(t *testing.T) {
	docs, err := Parse("f.yaml", []byte("spec:\n  topology:\n    variables:\n    - name: a\n    - name: b\n      value: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path []any
		line int
	}{
		{[]any{"spec", "topology", "variables", 1, "value"}, 6},
		{[]any{"spec", "topology", "variables", 0}, 4},
		{[]any{"spec", "missing", "deeper"}, 1},
	} {
		if got := docs[0].Line(tc.path...); got != tc.line {
			t.Errorf("%v: line %d, want %d", tc.path, got, tc.line)
		}
	}
}
