package audit

import (
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/junit"
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

// JUnit renders the report as JUnit XML: a suite per cluster, a case per
// check; WARN passes with its reason on system-out.
func (r Report) JUnit() ([]byte, error) {
	suites := make([]junit.Suite, 0, len(r.Clusters))
	for _, c := range r.Clusters {
		name := c.Namespace + "/" + c.Name
		if c.Context != "" {
			name = c.Context + ":" + name
		}
		s := junit.Suite{Name: name}
		if c.Error != "" {
			s.Add(junit.Case{Name: "audit", ClassName: name, Error: &junit.Message{Message: c.Error, Type: "AuditError"}})
		}
		for _, res := range c.Results {
			tc := junit.Case{Name: res.ID + " " + res.Title, ClassName: name}
			switch res.Status {
			case Fail:
				tc.Failure = &junit.Message{Message: res.Reason, Type: res.Severity, Text: res.Reason}
			case Skip:
				tc.Skipped = &junit.Message{Message: res.Reason}
			case Warn:
				tc.SystemOut = "WARN: " + res.Reason
			default:
				tc.SystemOut = res.Reason
			}
			s.Add(tc)
		}
		suites = append(suites, s)
	}
	return junit.Marshal("kubectl tko cluster audit", suites)
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
