package posture

import (
	"encoding/xml"
	"fmt"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// JUnit renders the report for CI gates: a suite per cluster, a case per
// check. Error findings are failures; warnings pass with their objects on
// system-out, so a gate fails exactly when the command exits 1.
func (r Report) JUnit() ([]byte, error) {
	out := junitSuites{Name: "kubectl tko cluster inspect security"}
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Cluster]
		if !ok {
			i = len(out.Suites)
			index[res.Cluster] = i
			out.Suites = append(out.Suites, junitSuite{Name: res.Cluster})
		}
		s := &out.Suites[i]
		tc := junitCase{Name: res.ID + " " + res.Check, ClassName: res.Cluster}
		objects := strings.Join(res.Objects, "\n")
		switch {
		case res.Status == StatusFail && res.Severity == SeverityError:
			tc.Failure = &junitMessage{Message: fmt.Sprintf("%d object(s): %s", len(res.Objects), res.Fix), Type: res.Severity, Text: objects}
			s.Failures++
		case res.Status == StatusFail:
			tc.SystemOut = fmt.Sprintf("WARNING: %d object(s): %s\n%s", len(res.Objects), res.Fix, objects)
		case res.Status == StatusIgnored || res.Status == StatusUnchecked || res.Status == StatusSkipped:
			tc.Skipped = &junitMessage{Message: res.Note}
			s.Skipped++
		}
		s.Cases = append(s.Cases, tc)
		s.Tests++
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
	}
	body, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding JUnit: %w", err)
	}
	return append([]byte(xml.Header), append(body, '\n')...), nil
}
