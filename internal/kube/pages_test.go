package kube

import "testing"

func TestContinueToken(t *testing.T) {
	for body, want := range map[string]string{
		`{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":"7","continue":"abc"},"items":[{"a":1}]}`: "abc",
		`{"kind":"List","metadata":{"resourceVersion":"7"},"items":[]}`:                                           "",
		`{"items":[{"metadata":{"continue":"not-this"}}],"metadata":{"continue":"late"}}`:                         "late",
		`{"kind":"List","items":[]}`: "",
		`{"items":[{"metadata":{"continue":"item"}}],"metadata":{"continue":"last"},"kind":"List"}`: "last",
		`{"items":[{"metadata":{"continue":"item"}}]}`:                                              "",
		`{"items":[],"metadata":{"continue":"tail", "resourceVersion":"7"} }` + "\n":                "tail",
	} {
		got, err := continueToken([]byte(body))
		if err != nil || got != want {
			t.Errorf("continueToken(%s) = %q, %v; want %q", body, got, err, want)
		}
	}
	if _, err := continueToken([]byte(`{"metadata":`)); err == nil {
		t.Error("a truncated body reads as a list")
	}
}
