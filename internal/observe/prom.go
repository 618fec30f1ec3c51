package observe

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Point is one value at one time.
type Point struct {
	Time  time.Time `json:"time"`
	Value float64   `json:"value"`
}

// Series is one time series: its labels and its points (one for an
// instant query).
type Series struct {
	Metric string            `json:"metric,omitempty"` // __name__
	Labels map[string]string `json:"labels"`
	Points []Point           `json:"points"`
}

// Result is a query's answer, at most MaxSeries of it.
type Result struct {
	Query    string   `json:"query"`
	Type     string   `json:"resultType"` // vector, matrix, scalar, string
	Series   []Series `json:"series"`
	Total    int      `json:"totalSeries"`        // before truncation
	Dropped  int      `json:"droppedSeries"`      // Total - len(Series)
	Warnings []string `json:"warnings,omitempty"` // Prometheus's own
}

// Points is how many points a range query asks for per series.
func Points(start, end time.Time, step time.Duration) int {
	if step <= 0 || end.Before(start) {
		return 0
	}
	return int(end.Sub(start)/step) + 1
}

// StepFor is the smallest step (rounded up to a second) that keeps a
// range within max points.
func StepFor(d time.Duration, maxPoints int) time.Duration {
	if maxPoints <= 1 {
		return d
	}
	step := time.Duration(math.Ceil(float64(d) / float64(maxPoints-1)))
	return ((step + time.Second - 1) / time.Second) * time.Second
}

// Key is the series in Prometheus's notation: name{a="b", ...}.
func (s Series) Key() string {
	keys := make([]string, 0, len(s.Labels))
	for k := range s.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%q", k, s.Labels[k])
	}
	if len(parts) == 0 && s.Metric != "" {
		return s.Metric
	}
	return s.Metric + "{" + strings.Join(parts, ", ") + "}"
}

// Target is one scrape target.
type Target struct {
	Pool       string            `json:"scrapePool"`
	URL        string            `json:"scrapeURL"`
	Health     string            `json:"health"` // up, down, unknown
	Labels     map[string]string `json:"labels"`
	LastError  string            `json:"lastError,omitempty"`
	LastScrape time.Time         `json:"lastScrape"`
	Duration   float64           `json:"lastScrapeDurationSeconds"`
}

// Rule is one recording or alerting rule with its health.
type Rule struct {
	Group     string  `json:"group"`
	File      string  `json:"file"`
	Name      string  `json:"name"`
	Type      string  `json:"type"`            // alerting, recording
	State     string  `json:"state,omitempty"` // alerting: inactive, pending, firing
	Health    string  `json:"health"`          // ok, err, unknown
	LastError string  `json:"lastError,omitempty"`
	Query     string  `json:"query"`
	Duration  float64 `json:"durationSeconds,omitempty"` // alerting: for
	Alerts    int     `json:"activeAlerts,omitempty"`
	Severity  string  `json:"severity,omitempty"`
}
