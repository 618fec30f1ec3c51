package audit

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// ClusterReport is the audit of one cluster, or why it could not be done.
type ClusterReport struct {
	Context   string   `json:"context,omitempty"`
	Namespace string   `json:"namespace"`
	Name      string   `json:"name"`
	Results   []Result `json:"results,omitempty"`
	Error     string   `json:"error,omitempty"`
}

// Summary counts results by status.
type Summary struct {
	Pass   int `json:"pass"`
	Warn   int `json:"warn"`
	Fail   int `json:"fail"`
	Skip   int `json:"skip"`
	Errors int `json:"errors"`
}

// Report is the audit of several clusters.
type Report struct {
	Clusters []ClusterReport `json:"clusters"`
	Summary  Summary         `json:"summary"`
}

// NewReport totals the cluster reports.
func NewReport(clusters []ClusterReport) Report {
	r := Report{Clusters: clusters}
	for _, c := range clusters {
		if c.Error != "" {
			r.Summary.Errors++
		}
		for _, res := range c.Results {
			switch res.Status {
			case Pass:
				r.Summary.Pass++
			case Warn:
				r.Summary.Warn++
			case Fail:
				r.Summary.Fail++
			case Skip:
				r.Summary.Skip++
			}
		}
	}
	return r
}

// Failed reports whether any check failed or any cluster could not be audited.
func (r Report) Failed() bool { return r.Summary.Fail > 0 || r.Summary.Errors > 0 }

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit renders the report as JUnit XML: a suite per cluster, a case per
// check; WARN passes with its reason on system-out.
func (r Report) JUnit() ([]byte, error) {
	out := junitSuites{Name: "kubectl tko cluster audit"}
	for _, c := range r.Clusters {
		name := c.Namespace + "/" + c.Name
		if c.Context != "" {
			name = c.Context + ":" + name
		}
		s := junitSuite{Name: name}
		if c.Error != "" {
			s.Cases = append(s.Cases, junitCase{Name: "audit", ClassName: name, Error: &junitMessage{Message: c.Error, Type: "AuditError"}})
			s.Errors++
		}
		for _, res := range c.Results {
			tc := junitCase{Name: res.ID + " " + res.Title, ClassName: name}
			switch res.Status {
			case Fail:
				tc.Failure = &junitMessage{Message: res.Reason, Type: res.Severity, Text: res.Reason}
				s.Failures++
			case Skip:
				tc.Skipped = &junitMessage{Message: res.Reason}
				s.Skipped++
			case Warn:
				tc.SystemOut = "WARN: " + res.Reason
			default:
				tc.SystemOut = res.Reason
			}
			s.Cases = append(s.Cases, tc)
		}
		s.Tests = len(s.Cases)
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	body, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding JUnit: %w", err)
	}
	return append([]byte(xml.Header), append(body, '\n')...), nil
}

// Markdown documents every rule; docs/audit-rules.md is this text.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# `kubectl tko cluster audit` rules\n\n")
	b.WriteString("Generated from `internal/audit/audit.go` by `make docs`; a test fails when this file is stale.\n\n")
	b.WriteString("Each check reports PASS, WARN, FAIL or SKIP with a one-line reason. The command exits 1 when any check FAILs\n")
	b.WriteString("(or a cluster cannot be audited), so it can gate a pipeline (`-o junit`).\n\n")
	b.WriteString("| ID | check | severity |\n|---|---|---|\n")
	for _, r := range Rules {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.ID, r.Title, r.Severity)
	}
	for _, r := range Rules {
		fmt.Fprintf(&b, "\n## %s: %s\n\nSeverity: %s.\n\n%s\n", r.ID, r.Title, r.Severity, r.Rationale)
	}
	return b.String()
}
