package observe

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// AMClient is Alertmanager's API v2 (plain JSON) over an Endpoint.
type AMClient struct{ ep *Endpoint }

// NewAMClient returns an Alertmanager client over an endpoint.
func NewAMClient(ep *Endpoint) *AMClient { return &AMClient{ep: ep} }

func (a *AMClient) request(ctx context.Context, method, path string, q url.Values, body, out any) error {
	var rd *bytes.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding the request: %w", err)
		}
		rd = bytes.NewReader(raw)
	} else {
		rd = bytes.NewReader(nil)
	}
	u := a.ep.BaseURL + "/api/v2" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("building the request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.ep.do(req, out)
}

// Alert is one alert as Alertmanager holds it.
type Alert struct {
	Name        string            `json:"name"`
	Severity    string            `json:"severity"`
	State       string            `json:"state"` // active, suppressed, unprocessed
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations,omitempty"`
	StartsAt    time.Time         `json:"startsAt"`
	SilencedBy  []string          `json:"silencedBy,omitempty"`
	InhibitedBy []string          `json:"inhibitedBy,omitempty"`
	Fingerprint string            `json:"fingerprint"`
}

// Alerts lists the alerts; silenced ones only when asked for.
func (a *AMClient) Alerts(ctx context.Context, silenced bool) ([]Alert, error) {
	var raw []struct {
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
		StartsAt    time.Time         `json:"startsAt"`
		Fingerprint string            `json:"fingerprint"`
		Status      struct {
			State       string   `json:"state"`
			SilencedBy  []string `json:"silencedBy"`
			InhibitedBy []string `json:"inhibitedBy"`
		} `json:"status"`
	}
	q := url.Values{"silenced": {fmt.Sprint(silenced)}, "inhibited": {"true"}, "active": {"true"}}
	if err := a.request(ctx, http.MethodGet, "/alerts", q, nil, &raw); err != nil {
		return nil, err
	}
	out := make([]Alert, 0, len(raw))
	for _, r := range raw {
		out = append(out, Alert{Name: r.Labels["alertname"], Severity: r.Labels["severity"], State: r.Status.State, Labels: r.Labels,
			Annotations: r.Annotations, StartsAt: r.StartsAt, SilencedBy: r.Status.SilencedBy, InhibitedBy: r.Status.InhibitedBy, Fingerprint: r.Fingerprint})
	}
	SortAlerts(out)
	return out, nil
}

// severityRank orders severities, the worst first.
var severityRank = map[string]int{"critical": 0, "error": 1, "warning": 2, "info": 3, "none": 4}

// Rank is a severity's place, the worst first; unknown ones after info.
func Rank(severity string) int {
	if r, ok := severityRank[severity]; ok {
		return r
	}
	return 3
}

// SortAlerts orders alerts by severity (worst first), then oldest first.
func SortAlerts(alerts []Alert) {
	sort.SliceStable(alerts, func(i, j int) bool {
		ri, rj := Rank(alerts[i].Severity), Rank(alerts[j].Severity)
		if ri != rj {
			return ri < rj
		}
		if !alerts[i].StartsAt.Equal(alerts[j].StartsAt) {
			return alerts[i].StartsAt.Before(alerts[j].StartsAt)
		}
		return alerts[i].Name < alerts[j].Name
	})
}

// Matcher is one label matcher of a silence.
type Matcher struct {
	Name    string `json:"name"`
	Value   string `json:"value"`
	IsRegex bool   `json:"isRegex"`
	IsEqual bool   `json:"isEqual"`
}

var matcherRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?$`)
})

// ParseMatcher reads NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX.
func ParseMatcher(s string) (Matcher, error) {
	m := matcherRE().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return Matcher{}, fmt.Errorf("%q is not a matcher: use NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX", s)
	}
	op := m[2]
	mt := Matcher{Name: m[1], Value: m[3], IsRegex: strings.HasSuffix(op, "~"), IsEqual: !strings.HasPrefix(op, "!")}
	if mt.IsRegex {
		if _, err := regexp.Compile(mt.Value); err != nil {
			return Matcher{}, fmt.Errorf("%q: invalid regular expression: %w", s, err)
		}
	}
	return mt, nil
}

func (m Matcher) String() string {
	op := "="
	switch {
	case m.IsRegex && m.IsEqual:
		op = "=~"
	case m.IsRegex:
		op = "!~"
	case !m.IsEqual:
		op = "!="
	}
	return m.Name + op + fmt.Sprintf("%q", m.Value)
}

// Silence is an Alertmanager silence.
type Silence struct {
	ID        string    `json:"id,omitempty"`
	State     string    `json:"state,omitempty"` // active, pending, expired
	Matchers  []Matcher `json:"matchers"`
	StartsAt  time.Time `json:"startsAt"`
	EndsAt    time.Time `json:"endsAt"`
	CreatedBy string    `json:"createdBy"`
	Comment   string    `json:"comment"`
}

// MatcherText renders the matchers, comma-separated.
func (s Silence) MatcherText() string {
	parts := make([]string, len(s.Matchers))
	for i, m := range s.Matchers {
		parts[i] = m.String()
	}
	return strings.Join(parts, ",")
}

// Silences lists the silences; expired ones only when asked for.
func (a *AMClient) Silences(ctx context.Context, expired bool) ([]Silence, error) {
	var raw []struct {
		Silence
		Status struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := a.request(ctx, http.MethodGet, "/silences", nil, nil, &raw); err != nil {
		return nil, err
	}
	out := make([]Silence, 0, len(raw))
	for _, r := range raw {
		s := r.Silence
		s.State = r.Status.State
		if s.State == "expired" && !expired {
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].EndsAt.Before(out[j].EndsAt) })
	return out, nil
}

// AddSilence creates a silence and returns its ID.
func (a *AMClient) AddSilence(ctx context.Context, s Silence) (string, error) {
	var res struct {
		SilenceID string `json:"silenceID"`
	}
	body := s
	body.ID, body.State = "", ""
	if err := a.request(ctx, http.MethodPost, "/silences", nil, body, &res); err != nil {
		return "", err
	}
	return res.SilenceID, nil
}

// Silence returns one silence.
func (a *AMClient) Silence(ctx context.Context, id string) (*Silence, error) {
	var raw struct {
		Silence
		Status struct {
			State string `json:"state"`
		} `json:"status"`
	}
	if err := a.request(ctx, http.MethodGet, "/silence/"+url.PathEscape(id), nil, nil, &raw); err != nil {
		return nil, err
	}
	s := raw.Silence
	s.State = raw.Status.State
	return &s, nil
}

// ExpireSilence ends a silence now.
func (a *AMClient) ExpireSilence(ctx context.Context, id string) error {
	return a.request(ctx, http.MethodDelete, "/silence/"+url.PathEscape(id), nil, nil, nil)
}
