package upgradeplan

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// referenceDeprecatedAPIs is the parse of the whole exposition by
// Prometheus's own text parser, which ParseDeprecatedAPIs replaces.
func referenceDeprecatedAPIs(t *testing.T, text string) []DeprecatedAPI {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(strings.NewReader(text))
	if err != nil {
		t.Fatalf("reference parser: %v", err)
	}
	var out []DeprecatedAPI
	for _, m := range families[DeprecatedMetric].GetMetric() {
		if m.GetGauge().GetValue() <= 0 {
			continue
		}
		var d DeprecatedAPI
		for _, l := range m.GetLabel() {
			switch l.GetName() {
			case "group":
				d.Group = l.GetValue()
			case "version":
				d.Version = l.GetValue()
			case "resource":
				d.Resource = l.GetValue()
			case "subresource":
				d.Subresource = l.GetValue()
			case "removed_release":
				d.RemovedRelease = l.GetValue()
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out
}

func TestParseDeprecatedAPIsAgreesWithPrometheus(t *testing.T) {
	for _, text := range []string{
		metrics,
		"",
		"# TYPE apiserver_requested_deprecated_apis gauge\n",
		// Spacing, a trailing comma, a timestamp, escapes, label order.
		"apiserver_requested_deprecated_apis { group = \"a.io\" , resource=\"xs\",version=\"v1\", } 1 1700000000000\n",
		"apiserver_requested_deprecated_apis{version=\"v2\",resource=\"q\\\"uote\\\\d\\nx\",group=\"\",subresource=\"status\",removed_release=\"1.40\"} 1\n",
		"apiserver_requested_deprecated_apis{group=\"b.io\",resource=\"ys\",version=\"v1\"} 2.5e0\napiserver_requested_deprecated_apis{group=\"c.io\",resource=\"zs\",version=\"v1\"} -1\n",
		"apiserver_requested_deprecated_apis 1\n",
		"apiserver_requested_deprecated_apis{group=\"n.io\",resource=\"ns\",version=\"v1\"} NaN\n",
		"apiserver_requested_deprecated_apis{group=\"i.io\",resource=\"is\",version=\"v1\"} +Inf\n",
	} {
		// The API server types the family; untyped, the reference reads no gauge.
		if !strings.Contains(text, "# TYPE") {
			text = "# TYPE apiserver_requested_deprecated_apis gauge\n" + text
		}
		got, err := ParseDeprecatedAPIs(strings.NewReader(text))
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if want := referenceDeprecatedAPIs(t, text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got  %+v\n want %+v", text, got, want)
		}
	}
	for _, bad := range []string{
		"apiserver_requested_deprecated_apis{group=\"x\" 1\n",
		"apiserver_requested_deprecated_apis{group=\"x} 1\n",
		"apiserver_requested_deprecated_apis{group=\"x\"} one\n",
		"apiserver_requested_deprecated_apis{group=\"\\q\"} 1\n",
		"apiserver_requested_deprecated_apis{group} 1\n",
	} {
		if apis, err := ParseDeprecatedAPIs(strings.NewReader(bad)); err == nil {
			t.Errorf("%q parsed: %+v", bad, apis)
		}
	}
}
