package promapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

func TestProxyRefusals(t *testing.T) {
	status := func(code int, reason metav1.StatusReason, msg string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"` + msg + `","reason":"` + string(reason) + `","code":` + strconv.Itoa(code) + `}`))
		}
	}
	for _, c := range []struct {
		handler http.HandlerFunc
		check   func(error) bool
	}{
		{status(404, metav1.StatusReasonNotFound, `services \"prometheus-server\" not found`), func(err error) bool {
			var ni *observe.NotInstalledError
			return errors.As(err, &ni) && ni.Class() == errs.ClassNotFound && strings.Contains(ni.Error(), "not found")
		}},
		{status(503, metav1.StatusReasonServiceUnavailable, `no endpoints available for service \"prometheus-server\"`), func(err error) bool {
			var ni *observe.NotInstalledError
			return errors.As(err, &ni)
		}},
		{status(403, metav1.StatusReasonForbidden, `services \"prometheus-server:80\" is forbidden: User \"u\" cannot get resource \"services/proxy\" in API group \"\" in the namespace \"tanzu-system-monitoring\"`), apierrors.IsForbidden},
		{func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"}`))
		}, func(err error) bool {
			var q *observe.QueryError
			return errors.As(err, &q) && q.Msg == "1:5: parse error: unclosed left parenthesis"
		}},
	} {
		srv := httptest.NewServer(c.handler)
		ep, err := observe.ThroughProxy(&rest.Config{Host: srv.URL}, observe.Prometheus, observe.PrometheusService)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := NewPromClient(ep)
		_, err = p.Query(context.Background(), "sum(up", time.Time{}, 0)
		if !c.check(err) {
			t.Errorf("%T %v", err, err)
		}
		srv.Close()
	}
	ep, _ := observe.Direct(observe.Prometheus, "http://127.0.0.1:1")
	p, _ := NewPromClient(ep)
	var down *observe.UnreachableError
	if _, err := p.Query(context.Background(), "up", time.Time{}, 0); !errors.As(err, &down) || down.Class() != errs.ClassUnreachable {
		t.Errorf("unreachable URL: %T %v", err, err)
	}
	if _, err := observe.Direct(observe.Prometheus, "localhost:9090"); err == nil {
		t.Error("a URL without scheme was taken")
	}
}

// prometheus answers every request with one canned body and records what
// it was asked.
func prometheus(t *testing.T, code int, body string) (*PromClient, *[]*http.Request) {
	t.Helper()
	var asked []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	ep, err := observe.Direct(observe.Prometheus, srv.URL+"/prom")
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPromClient(ep)
	if err != nil {
		t.Fatal(err)
	}
	return p, &asked
}

// The answers below are the examples of Prometheus's HTTP API page
// (docs/querying/api.md), with a few series added.
const (
	docVector = `{"status":"success","data":{"resultType":"vector","result":[
	  {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"value":[1435781451.781,"1"]},
	  {"metric":{"__name__":"up","job":"node","instance":"localhost:9100"},"value":[1435781451.781,"0"]},
	  {"metric":{"job":"node"},"value":[1435781451.7,"NaN"]}]},
	  "warnings":["PromQL info: metric might not be a counter"]}`
	docMatrix = `{"status":"success","data":{"resultType":"matrix","result":[
	  {"metric":{"__name__":"up","job":"prometheus","instance":"localhost:9090"},"values":[[1435781430.781,"1"],[1435781445.781,"1"],[1435781460.781,"1"]]},
	  {"metric":{"__name__":"up","job":"node","instance":"localhost:9091"},"values":[[1435781430.781,"0"],[1435781445.781,"+Inf"],[1435781460.781,"1e-3"]]}]}}`
	docTargets = `{"status":"success","data":{"activeTargets":[
	  {"discoveredLabels":{"__address__":"127.0.0.1:9090","__metrics_path__":"/metrics","__scheme__":"http","job":"prometheus"},
	   "labels":{"instance":"127.0.0.1:9090","job":"prometheus"},"scrapePool":"prometheus","scrapeUrl":"http://127.0.0.1:9090/metrics",
	   "globalUrl":"http://example-prometheus:9090/metrics","lastError":"","lastScrape":"2017-01-17T15:07:44.723715405+01:00",
	   "lastScrapeDuration":0.050688943,"health":"up","scrapeInterval":"1m","scrapeTimeout":"10s"},
	  {"discoveredLabels":{"__address__":"127.0.0.1:9100","job":"node"},"labels":{"instance":"127.0.0.1:9100","job":"node"},
	   "scrapePool":"node","scrapeUrl":"http://127.0.0.1:9100/metrics","lastError":"connection refused",
	   "lastScrape":"2017-01-17T15:07:40Z","lastScrapeDuration":0.001,"health":"down"}],
	  "droppedTargets":[{"discoveredLabels":{"__address__":"127.0.0.1:9100","__metrics_path__":"/metrics","__scheme__":"http","job":"node"}}]}}`
	docRules = `{"data":{"groups":[{"rules":[
	  {"alerts":[{"activeAt":"2018-07-04T20:27:12.60602144+02:00","annotations":{"summary":"High request latency"},
	    "labels":{"alertname":"HighRequestLatency","severity":"page"},"state":"firing","value":"1e+00"}],
	   "annotations":{"summary":"High request latency"},"duration":600,"health":"ok","labels":{"severity":"page"},
	   "name":"HighRequestLatency","query":"job:request_latency_seconds:mean5m{job=\"myjob\"} > 0.5","type":"alerting","state":"firing"},
	  {"health":"ok","name":"job:http_inprogress_requests:sum","query":"sum by (job) (http_inprogress_requests)","type":"recording"}],
	  "file":"/rules.yaml","interval":60,"limit":0,"name":"example"}]},"status":"success"}`
)

func TestQueryReadsAVector(t *testing.T) {
	p, asked := prometheus(t, 200, docVector)
	at := time.Unix(1435781451, 781000000)
	res, err := p.Query(context.Background(), "up", at, 2)
	if err != nil {
		t.Fatal(err)
	}
	r := (*asked)[0]
	if r.Method != http.MethodGet || r.URL.Path != "/prom/api/v1/query" || r.URL.Query().Get("query") != "up" || r.URL.Query().Get("time") != "1435781451.781" {
		t.Errorf("asked %s %s", r.Method, r.URL)
	}
	if res.Type != "vector" || res.Total != 3 || res.Dropped != 1 || len(res.Series) != 2 ||
		len(res.Warnings) != 1 || res.Warnings[0] != "PromQL info: metric might not be a counter" {
		t.Fatalf("%+v", res)
	}
	// Sorted by key: up{instance="localhost:9090", ...} before 9100, the
	// unnamed {job="node"} last and dropped.
	s := res.Series[0]
	if s.Metric != "up" || s.Labels["instance"] != "localhost:9090" || s.Labels["__name__"] != "" || len(s.Labels) != 2 ||
		len(s.Points) != 1 || s.Points[0].Value != 1 || !s.Points[0].Time.Equal(at) || res.Series[1].Labels["instance"] != "localhost:9100" {
		t.Errorf("%+v", res.Series)
	}
	res, err = p.Query(context.Background(), "up", at, 0)
	if err != nil || len(res.Series) != 3 {
		t.Fatalf("%+v %v", res, err)
	}
	if s := res.Series[2]; s.Metric != "" || s.Labels["job"] != "node" || !math.IsNaN(s.Points[0].Value) || !s.Points[0].Time.Equal(time.Unix(1435781451, 700000000)) {
		t.Errorf("NaN sample: %+v", s)
	}
}

func TestQueryRangeReadsAMatrix(t *testing.T) {
	p, asked := prometheus(t, 200, docMatrix)
	end := time.Unix(1435781460, 781000000)
	res, err := p.QueryRange(context.Background(), "up", Range{Start: end.Add(-30 * time.Second), End: end, Step: 15 * time.Second}, 0)
	if err != nil {
		t.Fatal(err)
	}
	q := (*asked)[0].URL.Query()
	if (*asked)[0].URL.Path != "/prom/api/v1/query_range" || q.Get("start") != "1435781430.781" || q.Get("end") != "1435781460.781" || q.Get("step") != "15" {
		t.Errorf("asked %s", (*asked)[0].URL)
	}
	if res.Type != "matrix" || res.Total != 2 || res.Dropped != 0 || res.Warnings != nil {
		t.Fatalf("%+v", res)
	}
	node := res.Series[1]
	if node.Labels["job"] != "node" || len(node.Points) != 3 || node.Points[0].Value != 0 || !math.IsInf(node.Points[1].Value, 1) ||
		node.Points[2].Value != 0.001 || !node.Points[2].Time.Equal(end) {
		t.Errorf("%+v", node)
	}
}

func TestQueryReadsScalarsAndStrings(t *testing.T) {
	p, _ := prometheus(t, 200, `{"status":"success","data":{"resultType":"scalar","result":[1435781451.781,"2"]}}`)
	res, err := p.Query(context.Background(), "scalar(up)", time.Time{}, 0)
	if err != nil || res.Type != "scalar" || len(res.Series) != 1 || res.Series[0].Labels == nil || res.Series[0].Points[0].Value != 2 {
		t.Errorf("scalar: %+v %v", res, err)
	}
	p, _ = prometheus(t, 200, `{"status":"success","data":{"resultType":"string","result":[1435781451.781,"hello"]}}`)
	res, err = p.Query(context.Background(), `"hello"`, time.Time{}, 0)
	if err != nil || res.Type != "string" || len(res.Series) != 1 || res.Series[0].Labels["value"] != "hello" ||
		!res.Series[0].Points[0].Time.Equal(time.Unix(1435781451, 781000000)) {
		t.Errorf("string: %+v %v", res, err)
	}
}

func TestTargetsAndRules(t *testing.T) {
	p, asked := prometheus(t, 200, docTargets)
	targets, err := p.Targets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if (*asked)[0].URL.Path != "/prom/api/v1/targets" || len(targets) != 2 {
		t.Fatalf("%s %+v", (*asked)[0].URL, targets)
	}
	node, prom := targets[0], targets[1] // sorted by pool and URL
	if node.Pool != "node" || node.Health != "down" || node.LastError != "connection refused" || node.Duration != 0.001 ||
		prom.URL != "http://127.0.0.1:9090/metrics" || prom.Labels["instance"] != "127.0.0.1:9090" || len(prom.Labels) != 2 ||
		!prom.LastScrape.Equal(time.Date(2017, 1, 17, 14, 7, 44, 723715405, time.UTC)) {
		t.Errorf("%+v", targets)
	}

	p, asked = prometheus(t, 200, docRules)
	rules, err := p.Rules(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []observe.Rule{
		{Group: "example", File: "/rules.yaml", Name: "HighRequestLatency", Type: "alerting", State: "firing", Health: "ok",
			Query: `job:request_latency_seconds:mean5m{job="myjob"} > 0.5`, Duration: 600, Alerts: 1, Severity: "page"},
		{Group: "example", File: "/rules.yaml", Name: "job:http_inprogress_requests:sum", Type: "recording", Health: "ok",
			Query: "sum by (job) (http_inprogress_requests)"},
	}
	if (*asked)[0].URL.Path != "/prom/api/v1/rules" || !reflect.DeepEqual(rules, want) {
		t.Errorf("%s\n%+v", (*asked)[0].URL, rules)
	}
	p, _ = prometheus(t, 200, `{"status":"success","data":{"groups":[{"name":"g","rules":[{"name":"x","type":"other"}]}]}}`)
	if _, err := p.Rules(context.Background()); err == nil || err.Error() != "prometheus: failed to decode JSON into an alerting or recording rule" {
		t.Errorf("unknown rule type: %v", err)
	}
}

// Prometheus's error answers keep their class: a refused query is the
// user's (exit 2 family), a failed or timed-out one Prometheus's; what is
// not Prometheus's envelope is named by its status.
func TestErrorAnswers(t *testing.T) {
	for _, c := range []struct {
		code int
		body string
		want string
		is   func(error) bool
	}{
		{400, `{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error"}`,
			`invalid query: invalid parameter "query": 1:5: parse error`, isQueryError},
		{422, `{"status":"error","errorType":"execution","error":"found duplicate series for the match group"}`,
			"Prometheus failed (HTTP 503): found duplicate series for the match group", isAPIError},
		{503, `{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}`,
			"Prometheus failed (HTTP 503): query timed out in expression evaluation", isAPIError},
		{499, `{"status":"error","errorType":"canceled","error":"query was canceled in expression evaluation"}`,
			"Prometheus failed (HTTP 503): query was canceled in expression evaluation", isAPIError},
		{500, `{"status":"error","errorType":"internal","error":"out of memory"}`, "prometheus: out of memory", nil},
		{422, `{"status":"error"}`, "prometheus: client error: 422", nil},
		{400, `{"status":"success","data":{}}`, "prometheus: inconsistent body for response code", nil},
		{404, `404 page not found`, "prometheus: client error: 404", nil},
		{502, `Bad Gateway`, "prometheus: server error: 502", nil},
		{200, `{"status":"error","errorType":"bad_data","error":"x"}`, "invalid query: x", isQueryError},
		{200, `{"status":"success","data":{"resultType":"histogram","result":[]}}`, `prometheus: unknown value type "histogram"`, nil},
		{200, `{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}`,
			"prometheus: sample value must be a quoted string", nil},
	} {
		p, _ := prometheus(t, c.code, c.body)
		_, err := p.Query(context.Background(), "q", time.Time{}, 0)
		if err == nil || err.Error() != c.want || (c.is != nil && !c.is(err)) {
			t.Errorf("%d %s: got %T %v, want %s", c.code, c.body, err, err, c.want)
		}
	}
}

func isQueryError(err error) bool {
	var q *observe.QueryError
	return errors.As(err, &q) && q.Class() == errs.ClassInvalid
}

func isAPIError(err error) bool {
	var a *observe.APIError
	return errors.As(err, &a) && a.Code == 503 && a.Class() == errs.ClassFailed
}
