package junit

import (
	"strings"
	"testing"
)

// Add counts each case once, by its outcome, and Marshal totals the suites,
// so a gate reading only the document's attributes sees every outcome.
func TestMarshalCounts(t *testing.T) {
	a := Suite{Name: "wc-a"}
	a.Add(Case{Name: "pass", ClassName: "wc-a"})
	a.Add(Case{Name: "fail", ClassName: "wc-a", Failure: &Message{Message: "m", Text: "<obj>"}})
	b := Suite{Name: "wc-b"}
	b.Add(Case{Name: "error", ClassName: "wc-b", Error: &Message{Message: "unreachable"}})
	b.Add(Case{Name: "skip", ClassName: "wc-b", Skipped: &Message{Message: "ignored"}})
	out, err := Marshal("report", []Suite{a, b})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?>`,
		`<testsuites name="report" tests="4" failures="1" errors="1" skipped="1">`,
		`<testsuite name="wc-a" tests="2" failures="1" errors="0" skipped="0">`,
		`<testsuite name="wc-b" tests="2" failures="0" errors="1" skipped="1">`,
		`&lt;obj&gt;`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("JUnit lacks %q:\n%s", want, out)
		}
	}
}
