package observe

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
)

// PromClient is Prometheus's HTTP API (client_golang's api/v1) over an
// Endpoint.
type PromClient struct {
	ep  *Endpoint
	api promv1.API
}

// NewPromClient returns a Prometheus client over an endpoint.
func NewPromClient(ep *Endpoint) (*PromClient, error) {
	c, err := api.NewClient(api.Config{Address: ep.BaseURL, Client: ep.client})
	if err != nil {
		return nil, fmt.Errorf("building the Prometheus client: %w", err)
	}
	return &PromClient{ep: ep, api: promv1.NewAPI(c)}, nil
}

// Endpoint is where the client sends its requests.
func (p *PromClient) Endpoint() *Endpoint { return p.ep }

// classify types a failed call: the API server's refusal, an unreachable
// URL, a refused query (bad_data: Prometheus's message), else as it came.
func (p *PromClient) classify(query string, err error) error {
	err = p.ep.explain(err)
	var perr *promv1.Error
	if errors.As(err, &perr) {
		switch perr.Type {
		case promv1.ErrBadData:
			return &QueryError{Query: query, Msg: perr.Msg}
		case promv1.ErrTimeout, promv1.ErrCanceled, promv1.ErrExec:
			return &APIError{Component: Prometheus, Code: 503, Msg: perr.Msg}
		}
		return fmt.Errorf("prometheus: %s", perr.Msg)
	}
	return err
}

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

// Query runs an instant query at t (the zero time: now).
func (p *PromClient) Query(ctx context.Context, query string, t time.Time, maxSeries int) (*Result, error) {
	if t.IsZero() {
		t = time.Now()
	}
	v, warnings, _, err := p.api.Query(ctx, query, t)
	if err != nil {
		return nil, p.classify(query, err)
	}
	return toResult(query, v, warnings, maxSeries), nil
}

// QueryRange runs a range query.
func (p *PromClient) QueryRange(ctx context.Context, query string, r promv1.Range, maxSeries int) (*Result, error) {
	v, warnings, _, err := p.api.QueryRange(ctx, query, r)
	if err != nil {
		return nil, p.classify(query, err)
	}
	return toResult(query, v, warnings, maxSeries), nil
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

func toResult(query string, v model.Value, warnings promv1.Warnings, maxSeries int) *Result {
	r := &Result{Query: query, Type: v.Type().String(), Warnings: warnings}
	switch v := v.(type) {
	case model.Vector:
		for _, s := range v {
			r.Series = append(r.Series, Series{Metric: string(s.Metric[model.MetricNameLabel]), Labels: labels(s.Metric),
				Points: []Point{{Time: s.Timestamp.Time(), Value: float64(s.Value)}}})
		}
	case model.Matrix:
		for _, s := range v {
			pts := make([]Point, len(s.Values))
			for i, sp := range s.Values {
				pts[i] = Point{Time: sp.Timestamp.Time(), Value: float64(sp.Value)}
			}
			r.Series = append(r.Series, Series{Metric: string(s.Metric[model.MetricNameLabel]), Labels: labels(s.Metric), Points: pts})
		}
	case *model.Scalar:
		r.Series = []Series{{Labels: map[string]string{}, Points: []Point{{Time: v.Timestamp.Time(), Value: float64(v.Value)}}}}
	case *model.String:
		r.Series = []Series{{Labels: map[string]string{"value": v.Value}, Points: []Point{{Time: v.Timestamp.Time()}}}}
	}
	sort.SliceStable(r.Series, func(i, j int) bool { return r.Series[i].Key() < r.Series[j].Key() })
	r.Total = len(r.Series)
	if maxSeries > 0 && len(r.Series) > maxSeries {
		r.Series = r.Series[:maxSeries]
	}
	r.Dropped = r.Total - len(r.Series)
	return r
}

func labels(m model.Metric) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k != model.MetricNameLabel {
			out[string(k)] = string(v)
		}
	}
	return out
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

// Targets lists the active scrape targets.
func (p *PromClient) Targets(ctx context.Context) ([]Target, error) {
	res, err := p.api.Targets(ctx)
	if err != nil {
		return nil, p.classify("", err)
	}
	out := make([]Target, 0, len(res.Active))
	for _, t := range res.Active {
		out = append(out, Target{Pool: t.ScrapePool, URL: t.ScrapeURL, Health: string(t.Health), Labels: labels(model.Metric(t.Labels)),
			LastError: t.LastError, LastScrape: t.LastScrape, Duration: t.LastScrapeDuration})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pool+out[i].URL < out[j].Pool+out[j].URL })
	return out, nil
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

// Rules lists every rule of every group.
func (p *PromClient) Rules(ctx context.Context) ([]Rule, error) {
	res, err := p.api.Rules(ctx, nil)
	if err != nil {
		return nil, p.classify("", err)
	}
	var out []Rule
	for _, g := range res.Groups {
		for _, r := range g.Rules {
			switch r := r.(type) {
			case promv1.AlertingRule:
				out = append(out, Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "alerting", State: r.State, Health: string(r.Health),
					LastError: r.LastError, Query: r.Query, Duration: r.Duration, Alerts: len(r.Alerts), Severity: string(r.Labels["severity"])})
			case promv1.RecordingRule:
				out = append(out, Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "recording", Health: string(r.Health), LastError: r.LastError, Query: r.Query})
			}
		}
	}
	return out, nil
}
