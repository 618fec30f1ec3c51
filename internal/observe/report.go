package observe

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"sort"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/posture"
)

// ReportCluster is one cluster's part of a report.
type ReportCluster struct {
	Name     string    // the context or workload cluster; "" for the current context
	Health   *Health   // nil when it could not be read
	Capacity *Capacity // by node
	Error    string    // why it could not be read
	// Security holds the failed and unchecked posture checks, errors
	// first; SecurityNote says why the posture could not be read.
	Security     []posture.Result
	SecurityNote string
}

// SecurityFindings keeps the results that need attention (failed, then
// unchecked), errors before warnings, in the checks' own order otherwise.
func SecurityFindings(results []posture.Result) []posture.Result {
	rank := func(r posture.Result) int {
		switch {
		case r.Finding() && r.Severity == posture.SeverityError:
			return 0
		case r.Finding():
			return 1
		}
		return 2
	}
	var out []posture.Result
	for _, r := range results {
		if r.Finding() || r.Status == posture.StatusUnchecked {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}

// securityClass is the table cell class of a posture result.
func securityClass(r posture.Result) string {
	if r.Status == posture.StatusUnchecked {
		return string(SeverityWarning)
	}
	return r.Severity
}

// Report is the HTML report's content.
type Report struct {
	Title     string
	Scope     string // "namespace team-a", "all namespaces"
	Generated time.Time
	Clusters  []ReportCluster
	// Requests is the API server's request rate from Prometheus over the
	// last hour, when Prometheus answered; PrometheusNote says why not.
	Requests       []Series
	PrometheusNote string
	// Certificates are the workload clusters' certificates, soonest to
	// expire first, when the current context is a management cluster;
	// CertificatesNote says why there are none.
	Certificates       []certs.Row
	CertificatesWithin string
	CertificatesNote   string
}

// SortCertificates puts problems first, then the soonest to expire.
func SortCertificates(rows []certs.Row) {
	rank := func(r certs.Row) int {
		switch {
		case r.Finding():
			return 0
		case r.Unchecked():
			return 1
		case r.NotAfter != nil:
			return 2
		}
		return 3
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a.NotAfter != nil && b.NotAfter != nil && a.NotAfter.Before(*b.NotAfter)
	})
}

// certClass is the table cell class of a certificate's status.
func certClass(r certs.Row) string {
	switch {
	case r.Status == certs.StatusExpiring || r.Unchecked():
		return string(SeverityWarning)
	case r.Finding():
		return string(SeverityError)
	}
	return ""
}

//go:embed report.html.tmpl
var reportTemplate string

// WriteHTML renders the report as one self-contained HTML document: styles
// inline, charts as inline SVG, nothing fetched from the network.
func WriteHTML(w io.Writer, r *Report) error {
	t, err := template.New("report").Funcs(template.FuncMap{
		"findingsChart": findingsChart,
		"cpuChart":      func(c *Capacity) template.HTML { return capacityChart("CPU requests against allocatable", c, true) },
		"memoryChart":   func(c *Capacity) template.HTML { return capacityChart("Memory requests against allocatable", c, false) },
		"lineChart": func(title string, s []Series) template.HTML {
			return template.HTML(LineChart(title, s)) //nolint:gosec // built from escaped values by LineChart
		},
		"cpu": CPU, "memory": Memory, "percent": Percent, "certClass": certClass, "securityClass": securityClass,
		"date": func(t *time.Time) string {
			if t == nil {
				return "-"
			}
			return t.UTC().Format(time.DateOnly)
		},
		"days": func(d *int) string {
			if d == nil {
				return "-"
			}
			return fmt.Sprint(*d)
		},
		"time": func(t time.Time) string { return t.UTC().Format(time.RFC1123) },
	}).Parse(reportTemplate)
	if err != nil {
		return fmt.Errorf("parsing the report template: %w", err)
	}
	return t.Execute(w, r)
}

// findingsChart is a bar per area: errors and warnings stacked.
func findingsChart(h *Health) template.HTML {
	type counts struct{ errors, warnings float64 }
	by := map[string]*counts{}
	for _, f := range h.Findings {
		c := by[f.Area]
		if c == nil {
			c = &counts{}
			by[f.Area] = c
		}
		if f.Severity == SeverityError {
			c.errors++
		} else {
			c.warnings++
		}
	}
	areas := make([]string, 0, len(by))
	for a := range by {
		areas = append(areas, a)
	}
	sort.Strings(areas)
	bars := make([]Bar, 0, len(areas))
	for _, a := range areas {
		c := by[a]
		bars = append(bars, Bar{Label: a, Note: fmt.Sprintf("%.0f error(s), %.0f warning(s)", c.errors, c.warnings), Segments: []Segment{
			{Value: c.errors, Color: ColorError, Title: fmt.Sprintf("%.0f error(s)", c.errors)},
			{Value: c.warnings, Color: ColorWarning, Title: fmt.Sprintf("%.0f warning(s)", c.warnings)}}})
	}
	return template.HTML(BarChart("Findings by area", bars)) //nolint:gosec // built from escaped values by BarChart
}

// capacityChart is a bar per node: requests against allocatable.
func capacityChart(title string, c *Capacity, cpu bool) template.HTML {
	var bars []Bar
	for _, r := range c.Rows {
		req, alloc := r.Requests.Memory, int64(0)
		if cpu {
			req = r.Requests.CPU
		}
		if r.Allocatable != nil {
			alloc = r.Allocatable.Memory
			if cpu {
				alloc = r.Allocatable.CPU
			}
		}
		render := Memory
		if cpu {
			render = CPU
		}
		color := ColorUsed
		if alloc > 0 && req > alloc*9/10 {
			color = ColorError
		}
		note := render(req) + " of " + render(alloc) + " (" + Percent(req, alloc) + ")"
		if r.Allocatable == nil {
			note = render(req) + ", no node"
		}
		bars = append(bars, Bar{Label: r.Name, Max: float64(alloc), Note: note, Segments: []Segment{{Value: float64(req), Color: color, Title: note}}})
	}
	return template.HTML(BarChart(title, bars)) //nolint:gosec // built from escaped values by BarChart
}
