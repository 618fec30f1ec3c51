// Package junit writes the JUnit XML that CI gates read: the reports of
// 'cluster audit' and 'cluster inspect security' share it, so a gate reads
// both the same way. The document is written here, byte for byte as
// encoding/xml's MarshalIndent writes these types (the xml tags say the
// shape; a test holds the two together): encoding/xml builds its HTML
// entity table at start, in every start of the cluster and observe plugins.
package junit

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// xmlName stands for encoding/xml's Name in the root element's tag.
type xmlName struct{}

// Suites is the document: one suite per cluster.
type Suites struct {
	XMLName  xmlName `xml:"testsuites"`
	Name     string  `xml:"name,attr"`
	Tests    int     `xml:"tests,attr"`
	Failures int     `xml:"failures,attr"`
	Errors   int     `xml:"errors,attr"`
	Skipped  int     `xml:"skipped,attr"`
	Suites   []Suite `xml:"testsuite"`
}

// Suite is one cluster's checks.
type Suite struct {
	Name     string `xml:"name,attr"`
	Tests    int    `xml:"tests,attr"`
	Failures int    `xml:"failures,attr"`
	Errors   int    `xml:"errors,attr"`
	Skipped  int    `xml:"skipped,attr"`
	Cases    []Case `xml:"testcase"`
}

// Case is one check; at most one of Failure, Error and Skipped is set.
type Case struct {
	Name      string   `xml:"name,attr"`
	ClassName string   `xml:"classname,attr"`
	Failure   *Message `xml:"failure,omitempty"`
	Error     *Message `xml:"error,omitempty"`
	Skipped   *Message `xml:"skipped,omitempty"`
	SystemOut string   `xml:"system-out,omitempty"`
}

// Message is a failure, error or skip.
type Message struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// Add appends a case to the suite and counts it.
func (s *Suite) Add(c Case) {
	s.Cases = append(s.Cases, c)
	s.Tests++
	switch {
	case c.Failure != nil:
		s.Failures++
	case c.Error != nil:
		s.Errors++
	case c.Skipped != nil:
		s.Skipped++
	}
}

// Marshal totals the suites and renders the document with its XML header.
func Marshal(name string, suites []Suite) ([]byte, error) {
	out := Suites{Name: name, Suites: suites}
	for _, s := range suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<testsuites name="` + escape(out.Name) + `"` + counts(out.Tests, out.Failures, out.Errors, out.Skipped) + ">")
	for _, s := range out.Suites {
		b.WriteString("\n  <testsuite name=\"" + escape(s.Name) + `"` + counts(s.Tests, s.Failures, s.Errors, s.Skipped) + ">")
		for _, c := range s.Cases {
			b.WriteString("\n    <testcase name=\"" + escape(c.Name) + `" classname="` + escape(c.ClassName) + `">`)
			inner := false
			for _, m := range []struct {
				tag string
				msg *Message
			}{{"failure", c.Failure}, {"error", c.Error}, {"skipped", c.Skipped}} {
				if m.msg == nil {
					continue
				}
				inner = true
				b.WriteString("\n      <" + m.tag + ` message="` + escape(m.msg.Message) + `"`)
				if m.msg.Type != "" {
					b.WriteString(` type="` + escape(m.msg.Type) + `"`)
				}
				b.WriteString(">" + escape(m.msg.Text) + "</" + m.tag + ">")
			}
			if c.SystemOut != "" {
				inner = true
				b.WriteString("\n      <system-out>" + escape(c.SystemOut) + "</system-out>")
			}
			closeTag(&b, inner, "    ", "testcase")
		}
		closeTag(&b, len(s.Cases) > 0, "  ", "testsuite")
	}
	closeTag(&b, len(out.Suites) > 0, "", "testsuites")
	b.WriteString("\n")
	return []byte(b.String()), nil
}

func counts(tests, failures, errors, skipped int) string {
	return ` tests="` + strconv.Itoa(tests) + `" failures="` + strconv.Itoa(failures) +
		`" errors="` + strconv.Itoa(errors) + `" skipped="` + strconv.Itoa(skipped) + `"`
}

// closeTag ends an element: on its own line after children, else at once.
func closeTag(b *strings.Builder, children bool, indent, tag string) {
	if children {
		b.WriteString("\n" + indent)
	}
	b.WriteString("</" + tag + ">")
}

// escape is encoding/xml's escaping of text and attribute values: markup
// and quotes, tab and line breaks as references, and what XML cannot
// carry as U+FFFD.
func escape(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if !inCharacterRange(r) || (r == utf8.RuneError && width == 1) {
				esc = "\uFFFD"
				break
			}
			continue
		}
		b.WriteString(s[last : i-width])
		b.WriteString(esc)
		last = i
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func inCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
