package promapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

const metricName = "__name__"

// value is a query's data: {"resultType": ..., "result": ...}, decoded
// into observe's series (a scalar or a string as one series).
type value struct {
	Type   string
	Series []observe.Series
}

func (v *value) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type   string          `json:"resultType"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	v.Type = raw.Type
	switch raw.Type {
	case "vector":
		// A native histogram's sample has "histogram" in place of "value";
		// its point keeps the time and reads 0.
		var samples []struct {
			Metric    map[string]string `json:"metric"`
			Value     pair              `json:"value"`
			Histogram histogramPair     `json:"histogram"`
		}
		if err := json.Unmarshal(raw.Result, &samples); err != nil {
			return err
		}
		for _, s := range samples {
			p := s.Value.point()
			if s.Histogram.set {
				p = observe.Point{Time: s.Histogram.t.Time()}
			}
			v.Series = append(v.Series, observe.Series{Metric: s.Metric[metricName], Labels: labels(s.Metric), Points: []observe.Point{p}})
		}
	case "matrix":
		var streams []struct {
			Metric map[string]string `json:"metric"`
			Values []pair            `json:"values"`
		}
		if err := json.Unmarshal(raw.Result, &streams); err != nil {
			return err
		}
		for _, s := range streams {
			pts := make([]observe.Point, len(s.Values))
			for i, sp := range s.Values {
				pts[i] = sp.point()
			}
			v.Series = append(v.Series, observe.Series{Metric: s.Metric[metricName], Labels: labels(s.Metric), Points: pts})
		}
	case "scalar":
		var p pair
		if err := json.Unmarshal(raw.Result, &p); err != nil {
			return err
		}
		v.Series = []observe.Series{{Labels: map[string]string{}, Points: []observe.Point{p.point()}}}
	case "string":
		var parts [2]json.RawMessage
		if err := json.Unmarshal(raw.Result, &parts); err != nil {
			return err
		}
		var t msTime
		var s string
		if err := t.UnmarshalJSON(parts[0]); err != nil {
			return err
		}
		if err := json.Unmarshal(parts[1], &s); err != nil {
			return err
		}
		v.Series = []observe.Series{{Labels: map[string]string{"value": s}, Points: []observe.Point{{Time: t.Time()}}}}
	default:
		return fmt.Errorf("unknown value type %q", raw.Type)
	}
	return nil
}

// pair is [timestamp, "value"]: the value a quoted float ("NaN", "+Inf"
// too).
type pair struct {
	t msTime
	v float64
}

// timed splits a sample, [timestamp, x] (shape says which), reading the
// time into t and returning x.
func timed(b []byte, shape string, t *msTime) (json.RawMessage, error) {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return nil, err
	}
	if len(parts) != 2 {
		return nil, fmt.Errorf("%s, not %d elements", shape, len(parts))
	}
	return parts[1], t.UnmarshalJSON(parts[0])
}

func (p *pair) UnmarshalJSON(b []byte) error {
	v, err := timed(b, "a sample is [time, value]", &p.t)
	if err != nil {
		return err
	}
	s, ok := trimQuotes(v)
	if !ok {
		return errors.New("sample value must be a quoted string")
	}
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return err
	}
	p.v = f
	return nil
}

func (p pair) point() observe.Point { return observe.Point{Time: p.t.Time(), Value: p.v} }

// histogramPair is [timestamp, {...}]: only the time is read.
type histogramPair struct {
	t   msTime
	set bool
}

func (h *histogramPair) UnmarshalJSON(b []byte) error {
	v, err := timed(b, "a histogram sample is [time, histogram]", &h.t)
	h.set = err == nil && string(v) != "null"
	return err
}

// msTime is a sample's time, seconds with up to three decimals, kept to
// the millisecond as Prometheus keeps it.
type msTime int64

func (t *msTime) UnmarshalJSON(b []byte) error {
	base, frac, found := strings.Cut(strings.TrimSpace(string(b)), ".")
	sec, err := strconv.ParseInt(base, 10, 64)
	if err != nil {
		return fmt.Errorf("sample time %s: %w", b, err)
	}
	var ms int64
	if found {
		if len(frac) > 3 {
			frac = frac[:3]
		}
		n, err := strconv.ParseInt(frac, 10, 32)
		if err != nil {
			return fmt.Errorf("sample time %s: %w", b, err)
		}
		for i := len(frac); i < 3; i++ {
			n *= 10
		}
		if strings.HasPrefix(base, "-") {
			n = -n
		}
		ms = n
	}
	*t = msTime(sec*1000 + ms)
	return nil
}

func (t msTime) Time() time.Time {
	return time.Unix(int64(t)/1000, (int64(t)%1000)*int64(time.Millisecond))
}
