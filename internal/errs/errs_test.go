package errs

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestErrorText pins what each typed error says when printed as it is.
func TestErrorText(t *testing.T) {
	cause := errors.New("boom")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{Invalidf("%d control-plane machines", 2), "2 control-plane machines"},
		{&InputError{File: "c.yaml", Line: 7, Field: "spec.topology", Err: cause}, "c.yaml:7: spec.topology: boom"},
		{&InputError{File: "-", Err: cause}, "<stdin>: boom"},
		{&InputError{Line: 3, Err: cause}, "<stdin>:3: boom"},
		{&NotFoundError{Kind: "cluster", Name: "a", Namespace: "b", Hint: "list them"}, `cluster "a" not found in namespace "b": list them`},
		{&NotFoundError{Kind: "context", Name: "a"}, `context "a" not found`},
		{&NotServedError{Group: "cluster.x-k8s.io", Hint: "is it a management cluster?"}, "this cluster does not serve cluster.x-k8s.io: is it a management cluster?"},
		{&NotServedError{Group: "velero.io"}, "this cluster does not serve velero.io"},
		{&ManagedError{Kind: "cluster", Name: "a", Namespace: "b", Hint: "pick another name", Err: cause}, `cluster "a" in namespace "b" already exists and is managed by another field manager: pick another name: boom`},
		{&ManagedError{Kind: "namespace", Name: "a", Err: cause}, `namespace "a" already exists and is managed by another field manager: boom`},
		{&TimeoutError{What: "cluster a", Timeout: "5m0s", Last: "1/3 ready"}, "timed out after 5m0s waiting for cluster a (last seen: 1/3 ready); raise --timeout or inspect it with describe"},
		{&TimeoutError{What: "x", Timeout: "1s"}, "timed out after 1s waiting for x; raise --timeout or inspect it with describe"},
		{&DetailedError{Summary: "reconcile failed", Detail: "line 1\nline 2"}, "reconcile failed: line 1\nline 2"},
		{&StepError{Where: "stopped at contour", Err: cause}, "stopped at contour: boom"},
		{ErrInterrupted, "interrupted"},
		{Problems("wc-1.yaml", "created", []Problem{{Flag: "--values a=b", Message: "unknown"}, {File: "wc-1.yaml", Line: 2, Path: "spec.x", Source: "X", Message: "bad"}}),
			"wc-1.yaml: 2 problem(s), nothing was created: wc-1.yaml:2: spec.x (from X): bad; --values a=b: unknown"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("%T: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestProblem renders a problem with what is known of where it is.
func TestProblem(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{Line: 4, Message: "m"}, "line 4: m"},
		{Problem{File: "-", Line: 4, Path: "p", Message: "m"}, "<stdin>:4: p: m"},
		{Problem{Source: "SRC", Message: "m"}, "SRC: m"},
		{Problem{File: "f", Message: "m"}, "m"},
		{Problem{Flag: "--x", Line: 9, Message: "m"}, "--x: m"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.want)
		}
	}
	ps := []Problem{{Message: "none"}, {Line: 9, Message: "nine"}, {Line: 2, Message: "two"}}
	SortProblems(ps)
	if ps[0].Line != 2 || ps[1].Line != 9 || ps[2].Line != 0 {
		t.Errorf("sorted %+v, want lines 2, 9, then none", ps)
	}
	if OrNone(nil) != "none" || OrNone([]string{"a", "b"}) != "a, b" {
		t.Errorf("OrNone: %q, %q", OrNone(nil), OrNone([]string{"a", "b"}))
	}
}

// TestUnwrapAndClass: wrapped, each error is still found by type, its
// cause by errors.Is, and its class by Classed.
func TestUnwrapAndClass(t *testing.T) {
	cause := errors.New("cause")
	for _, tc := range []struct {
		err   error
		class Class
		cause bool // Unwrap reaches cause
	}{
		{Invalidf("x"), ClassInvalid, false},
		{&InputError{File: "f", Err: cause}, ClassInvalid, true},
		{&ProblemsError{Summary: "s"}, ClassInvalid, false},
		{&NotFoundError{Kind: "k", Name: "n"}, ClassNotFound, false},
		{&NotServedError{Group: "g"}, ClassNotFound, false},
		{&ManagedError{Kind: "k", Name: "n", Err: cause}, -1, true},
		{&StepError{Where: "w", Err: cause}, -1, true},
		{&TimeoutError{What: "w", Timeout: "1s"}, -1, false},
		{&DetailedError{Summary: "s", Detail: "d"}, -1, false},
	} {
		wrapped := fmt.Errorf("doing it: %w", tc.err)
		// A pointer to a variable of the error's own type, as callers write it.
		target := reflect.New(reflect.TypeOf(tc.err))
		if !errors.As(wrapped, target.Interface()) || !reflect.DeepEqual(target.Elem().Interface(), any(tc.err)) {
			t.Errorf("%T: errors.As does not find it wrapped", tc.err)
		}
		if got := errors.Is(wrapped, cause); got != tc.cause {
			t.Errorf("%T: errors.Is(cause) = %v, want %v", tc.err, got, tc.cause)
		}
		var classed Classed
		switch ok := errors.As(wrapped, &classed); {
		case tc.class < 0 && ok:
			t.Errorf("%T: classed %v, want no class", tc.err, classed.Class())
		case tc.class >= 0 && (!ok || classed.Class() != tc.class):
			t.Errorf("%T: class %v (classed %v), want %v", tc.err, classed, ok, tc.class)
		}
	}
	var step *StepError
	if err := fmt.Errorf("%w: %w", ErrInterrupted, &StepError{Where: "w", Err: cause}); !errors.Is(err, ErrInterrupted) || !errors.As(err, &step) || step.Where != "w" {
		t.Errorf("interrupted step: Is %v, As %v", errors.Is(err, ErrInterrupted), errors.As(err, &step))
	}
}
