// Package promapi is Prometheus's HTTP API v1 over an observe.Endpoint:
// the four calls observe's verbs make (query, query_range, targets, rules),
// decoded from the documented JSON. It is not client_golang's api/v1
// because that links prometheus/common's model and with it the protobuf
// runtime, whose initialisation every observe verb (and the cluster
// plugin, through observe) would pay at start for four GETs.
package promapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

// Prometheus's error types (the "errorType" of an error answer) that
// classify tells apart, and the two this client gives an answer that is
// not Prometheus's own (as client_golang names them).
const (
	errBadData     = "bad_data"
	errTimeout     = "timeout"
	errCanceled    = "canceled"
	errExec        = "execution"
	errBadResponse = "bad_response"
	errClient      = "client_error"
	errServer      = "server_error"
)

// apiError is an answer Prometheus (or whatever stood at the URL) gave
// instead of data.
type apiError struct {
	Type string
	Msg  string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Msg }

// Range is a range query's span and resolution.
type Range struct {
	Start, End time.Time
	Step       time.Duration
}

// PromClient is Prometheus's HTTP API v1 over an Endpoint.
type PromClient struct {
	ep   *observe.Endpoint
	base *url.URL
}

// NewPromClient returns a Prometheus client over an endpoint.
func NewPromClient(ep *observe.Endpoint) (*PromClient, error) {
	u, err := url.Parse(ep.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("building the Prometheus client: %w", err)
	}
	return &PromClient{ep: ep, base: u}, nil
}

// Endpoint is where the client sends its requests.
func (p *PromClient) Endpoint() *observe.Endpoint { return p.ep }

// envelope is every answer of the API: data on success, errorType and
// error otherwise; warnings either way.
type envelope struct {
	Status    string          `json:"status"`
	Data      json.RawMessage `json:"data"`
	ErrorType string          `json:"errorType"`
	Error     string          `json:"error"`
	Warnings  []string        `json:"warnings"`
}

// get sends GET path?q and decodes the answer's data into into.
func (p *PromClient) get(ctx context.Context, path string, q url.Values, into any) ([]string, error) {
	u := *p.base
	u.Path += path
	u.RawPath = ""
	if p.base.RawPath != "" {
		u.RawPath = p.base.RawPath + path
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("building the request: %w", err)
	}
	resp, err := p.ep.HTTPClient().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	code := resp.StatusCode
	if code/100 != 2 {
		// Prometheus answers an error with its envelope: 400 bad_data, 422
		// execution, 503 timeout, 499 canceled. A status without one
		// (a proxy's, a server that is not Prometheus) is named by its code.
		var env envelope
		if json.Unmarshal(body, &env) != nil || (env.Status != "error" && code != http.StatusBadRequest && code != http.StatusUnprocessableEntity) {
			return nil, statusError(code)
		}
		if env.Status == "success" {
			return env.Warnings, &apiError{Type: errBadResponse, Msg: "inconsistent body for response code"}
		}
		named := statusError(code)
		if env.ErrorType == "" {
			env.ErrorType = named.Type
		}
		if env.Error == "" {
			env.Error = named.Msg
		}
		return env.Warnings, &apiError{Type: env.ErrorType, Msg: env.Error}
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, &apiError{Type: errBadResponse, Msg: err.Error()}
	}
	if env.Status == "error" {
		return env.Warnings, &apiError{Type: env.ErrorType, Msg: env.Error}
	}
	if into != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, into); err != nil {
			return env.Warnings, &apiError{Type: errBadResponse, Msg: err.Error()}
		}
	}
	return env.Warnings, nil
}

func statusError(code int) *apiError {
	switch code / 100 {
	case 4:
		return &apiError{Type: errClient, Msg: fmt.Sprintf("client error: %d", code)}
	case 5:
		return &apiError{Type: errServer, Msg: fmt.Sprintf("server error: %d", code)}
	}
	return &apiError{Type: errBadResponse, Msg: fmt.Sprintf("bad response code %d", code)}
}

// classify types a failed call: the API server's refusal, an unreachable
// URL, a refused query (bad_data: Prometheus's message), else as it came.
func (p *PromClient) classify(query string, err error) error {
	err = p.ep.Explain(err)
	var perr *apiError
	if errors.As(err, &perr) {
		switch perr.Type {
		case errBadData:
			return &observe.QueryError{Query: query, Msg: perr.Msg}
		case errTimeout, errCanceled, errExec:
			return &observe.APIError{Component: observe.Prometheus, Code: 503, Msg: perr.Msg}
		}
		return fmt.Errorf("prometheus: %s", perr.Msg)
	}
	return err
}

// formatTime is a time as Prometheus reads it: seconds, with a fraction.
func formatTime(t time.Time) string {
	return strconv.FormatFloat(float64(t.Unix())+float64(t.Nanosecond())/1e9, 'f', -1, 64)
}

// Query runs an instant query at t (the zero time: now).
func (p *PromClient) Query(ctx context.Context, query string, t time.Time, maxSeries int) (*observe.Result, error) {
	if t.IsZero() {
		t = time.Now()
	}
	q := url.Values{"query": {query}, "time": {formatTime(t)}}
	var v value
	warnings, err := p.get(ctx, "/api/v1/query", q, &v)
	if err != nil {
		return nil, p.classify(query, err)
	}
	return toResult(query, &v, warnings, maxSeries), nil
}

// QueryRange runs a range query.
func (p *PromClient) QueryRange(ctx context.Context, query string, r Range, maxSeries int) (*observe.Result, error) {
	q := url.Values{"query": {query}, "start": {formatTime(r.Start)}, "end": {formatTime(r.End)},
		"step": {strconv.FormatFloat(r.Step.Seconds(), 'f', -1, 64)}}
	var v value
	warnings, err := p.get(ctx, "/api/v1/query_range", q, &v)
	if err != nil {
		return nil, p.classify(query, err)
	}
	return toResult(query, &v, warnings, maxSeries), nil
}

func toResult(query string, v *value, warnings []string, maxSeries int) *observe.Result {
	r := &observe.Result{Query: query, Type: v.Type, Series: v.Series, Warnings: warnings}
	sort.SliceStable(r.Series, func(i, j int) bool { return r.Series[i].Key() < r.Series[j].Key() })
	r.Total = len(r.Series)
	if maxSeries > 0 && len(r.Series) > maxSeries {
		r.Series = r.Series[:maxSeries]
	}
	r.Dropped = r.Total - len(r.Series)
	return r
}

// labels are a series' or target's labels without __name__.
func labels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		if k != metricName {
			out[k] = v
		}
	}
	return out
}

// Targets lists the active scrape targets.
func (p *PromClient) Targets(ctx context.Context) ([]observe.Target, error) {
	var res struct {
		Active []struct {
			Labels             map[string]string `json:"labels"`
			ScrapePool         string            `json:"scrapePool"`
			ScrapeURL          string            `json:"scrapeUrl"`
			LastError          string            `json:"lastError"`
			LastScrape         time.Time         `json:"lastScrape"`
			LastScrapeDuration float64           `json:"lastScrapeDuration"`
			Health             string            `json:"health"`
		} `json:"activeTargets"`
	}
	if _, err := p.get(ctx, "/api/v1/targets", nil, &res); err != nil {
		return nil, p.classify("", err)
	}
	out := make([]observe.Target, 0, len(res.Active))
	for _, t := range res.Active {
		out = append(out, observe.Target{Pool: t.ScrapePool, URL: t.ScrapeURL, Health: t.Health, Labels: labels(t.Labels),
			LastError: t.LastError, LastScrape: t.LastScrape, Duration: t.LastScrapeDuration})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pool+out[i].URL < out[j].Pool+out[j].URL })
	return out, nil
}

// rule is an alerting or a recording rule as /api/v1/rules lists it.
type rule struct {
	Type      string            `json:"type"`
	Name      string            `json:"name"`
	Query     string            `json:"query"`
	Duration  float64           `json:"duration"`
	Labels    map[string]string `json:"labels"`
	Alerts    []json.RawMessage `json:"alerts"`
	Health    string            `json:"health"`
	LastError string            `json:"lastError"`
	State     string            `json:"state"`
}

// Rules lists every rule of every group.
func (p *PromClient) Rules(ctx context.Context) ([]observe.Rule, error) {
	var res struct {
		Groups []struct {
			Name  string `json:"name"`
			File  string `json:"file"`
			Rules []rule `json:"rules"`
		} `json:"groups"`
	}
	if _, err := p.get(ctx, "/api/v1/rules", nil, &res); err != nil {
		return nil, p.classify("", err)
	}
	var out []observe.Rule
	for _, g := range res.Groups {
		for _, r := range g.Rules {
			switch r.Type {
			case "alerting":
				out = append(out, observe.Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "alerting", State: r.State, Health: r.Health,
					LastError: r.LastError, Query: r.Query, Duration: r.Duration, Alerts: len(r.Alerts), Severity: r.Labels["severity"]})
			case "recording":
				out = append(out, observe.Rule{Group: g.Name, File: g.File, Name: r.Name, Type: "recording", Health: r.Health, LastError: r.LastError, Query: r.Query})
			case "":
				return nil, p.classify("", &apiError{Type: errBadResponse, Msg: "type field not present in rule"})
			default:
				return nil, p.classify("", &apiError{Type: errBadResponse, Msg: "failed to decode JSON into an alerting or recording rule"})
			}
		}
	}
	return out, nil
}

// trimQuotes is a JSON string's raw content, or false if b is not one.
func trimQuotes(b []byte) ([]byte, bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	return b[1 : len(b)-1], true
}
