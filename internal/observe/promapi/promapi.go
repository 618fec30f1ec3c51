// Package promapi is Prometheus's HTTP API over an observe.Endpoint. It
// is apart from observe because client_golang links the protobuf runtime,
// whose initialisation every binary that imports observe (the cluster
// plugin, for health) would pay at start.
package promapi

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/prometheus/client_golang/api"
	promv1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

// PromClient is Prometheus's HTTP API (client_golang's api/v1) over an
// Endpoint.
type PromClient struct {
	ep  *observe.Endpoint
	api promv1.API
}

// NewPromClient returns a Prometheus client over an endpoint.
func NewPromClient(ep *observe.Endpoint) (*PromClient, error) {
	c, err := api.NewClient(api.Config{Address: ep.BaseURL, Client: ep.HTTPClient()})
	if err != nil {
		return nil, fmt.Errorf("building the Prometheus client: %w", err)
	}
	return &PromClient{ep: ep, api: promv1.NewAPI(c)}, nil
}

// Endpoint is where the client sends its requests.
func (p *PromClient) Endpoint() *observe.Endpoint { return p.ep }

// classify types a failed call: the API server's refusal, an unreachable
// URL, a refused query (bad_data: Prometheus's message), else as it came.
func (p *PromClient) classify(query string, err error) error {
	err = p.ep.Explain(err)
	var perr *promv1.Error
	if errors.As(err, &perr) {
		switch perr.Type {
		case promv1.ErrBadData:
			return &observe.QueryError{Query: query, Msg: perr.Msg}
		case promv1.ErrTimeout, promv1.ErrCanceled, promv1.ErrExec:
			return &observe.APIError{Component: observe.Prometheus, Code: 503, Msg: perr.Msg}
		}
		return fmt.Errorf("prometheus: %s", perr.Msg)
	}
	return err
}

// Query runs an instant query at t (the zero time: now).
func (p *PromClient) Query(ctx context.Context, query string, t time.Time, maxSeries int) (*observe.Result, error) {
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
func (p *PromClient) QueryRange(ctx context.Context, query string, r promv1.Range, maxSeries int) (*observe.Result, error) {
	v, warnings, _, err := p.api.QueryRange(ctx, query, r)
	if err != nil {
		return nil, p.classify(query, err)
	}
	return toResult(query, v, warnings, maxSeries), nil
}

func toResult(query string, v model.Value, warnings promv1.Warnings, maxSeries int) *observe.Result {
	r := &observe.Result{Query: query, Type: v.Type().String(), Warnings: warnings}
	switch v := v.(type) {
	case model.Vector:
		for _, s := range v {
			r.Series = append(r.Series, observe.Series{Metric: string(s.Metric[model.MetricNameLabel]), Labels: labels(s.Metric),
				Points: []observe.Point{{Time: s.Timestamp.Time(), Value: float64(s.Value)}}})
		}
	case model.Matrix:
		for _, s := range v {
			pts := make([]observe.Point, len(s.Values))
			for i, sp := range s.Values {
				pts[i] = observe.Point{Time: sp.Timestamp.Time(), Value: float64(sp.Value)}
			}
			r.Series = append(r.Series, observe.Series{Metric: string(s.Metric[model.MetricNameLabel]), Labels: labels(s.Metric), Points: pts})
		}
	case *model.Scalar:
		r.Series = []observe.Series{{Labels: map[string]string{}, Points: []observe.Point{{Time: v.Timestamp.Time(), Value: float64(v.Value)}}}}
	case *model.String:
		r.Series = []observe.Series{{Labels: map[string]string{"value": v.Value}, Points: []observe.Point{{Time: v.Timestamp.Time()}}}}
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

// Targets lists the active scrape targets.
func (p *PromClient) Targets(ctx context.Context) ([]observe.Target, error) {
	res, err := p.api.Targets(ctx)
	if err != nil {
		return nil, p.classify("", err)
	}
	out := make([]observe.Target, 0, len(res.Active))
	for _, t := range res.Active {
		out = append(out, observe.Target{Pool: t.ScrapePool, URL: t.ScrapeURL, Health: string(t.Health), Labels: labels(model.Metric(t.Labels)),
			LastError: t.LastError, LastScrape: t.LastScrape, Duration: t.LastScrapeDuration})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pool+out[i].URL < out[j].Pool+out[j].URL })
	return out, nil
}

// Rules lists every rule of every group.
func (p *PromClient) Rules(ctx context.Context) ([]observe.Rule, error) {
	res, err := p.api.Rules(ctx, nil)
	if err != nil {
		return nil, p.classify("", err)
	}
	var out []observe.Rule
	for _, g := range res.Groups {
		for _, r := range g.Rules {
			switch r := r.(type) {
			case promv1.AlertingRule:
				out = append(out, observe.Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "alerting", State: r.State, Health: string(r.Health),
					LastError: r.LastError, Query: r.Query, Duration: r.Duration, Alerts: len(r.Alerts), Severity: string(r.Labels["severity"])})
			case promv1.RecordingRule:
				out = append(out, observe.Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "recording", Health: string(r.Health), LastError: r.LastError, Query: r.Query})
			}
		}
	}
	return out, nil
}
