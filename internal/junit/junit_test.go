package junit

import (
	"encoding/xml"
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

// Marshal writes what encoding/xml's MarshalIndent writes for the same
// document, escaping included.
func TestMarshalIsEncodingXML(t *testing.T) {
	odd := "a\"b'c&d<e>f\tg\nh\ri\x00j\xffk\u2028l😀m\uFFFEn"
	full := Suite{Name: "wc-" + odd}
	full.Add(Case{Name: "pass", ClassName: "wc"})
	full.Add(Case{Name: odd, ClassName: odd, Failure: &Message{Message: odd, Type: odd, Text: odd}, SystemOut: odd})
	full.Add(Case{Name: "e", ClassName: "wc", Error: &Message{Message: "unreachable", Text: "dial tcp: refused\nretry"}})
	full.Add(Case{Name: "s", ClassName: "wc", Skipped: &Message{}})
	full.Add(Case{Name: "out", ClassName: "wc", SystemOut: "only output"})
	full.Add(Case{Name: "both", ClassName: "wc", Failure: &Message{Message: "f"}, Error: &Message{Message: "e"}, Skipped: &Message{Message: "s"}})
	for _, suites := range [][]Suite{nil, {{Name: "empty"}}, {full, {Name: "empty"}}} {
		got, err := Marshal(odd, suites)
		if err != nil {
			t.Fatal(err)
		}
		doc := Suites{Name: odd, Suites: suites}
		for _, s := range suites {
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped = doc.Tests+s.Tests, doc.Failures+s.Failures, doc.Errors+s.Errors, doc.Skipped+s.Skipped
		}
		body, err := xml.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if want := xml.Header + string(body) + "\n"; string(got) != want {
			t.Errorf("got:\n%s\nwant:\n%s", got, want)
		}
	}
}
