// Package observetest gives the tests of the observe verbs a Prometheus
// and an Alertmanager behind the test API server's service proxy, as TKG's
// prometheus package deploys them in tanzu-system-monitoring.
package observetest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
)

// Namespace is where TKG's prometheus package runs.
const Namespace = "tanzu-system-monitoring"

// Serving makes the server's monitoring Services answer: Prometheus with
// a fixed estate of series, targets and rules, and am as Alertmanager.
func Serving(am *Alertmanager) func(s *clitest.Server) {
	return func(s *clitest.Server) {
		s.Proxy(Namespace, "prometheus-server", Prometheus())
		s.Proxy(Namespace, "alertmanager", am)
	}
}

// Monitoring is the seeded estate with Prometheus and a fresh Alertmanager.
func Monitoring(t testing.TB) *clitest.Server {
	t.Helper()
	s := clitest.Estate(t)
	Serving(NewAlertmanager())(s)
	return s
}

// series are the `up` series of the fake Prometheus: the API server up, a
// node exporter down.
func series() []map[string]string {
	return []map[string]string{
		{"__name__": "up", "job": "apiserver", "instance": "10.20.0.10:6443"},
		{"__name__": "up", "job": "node-exporter", "instance": "10.20.0.11:9100"},
	}
}

// Prometheus answers Prometheus's HTTP API: up is 1 for the API server and
// 0 for the node exporter, any other query is empty, a query with "(("
// does not parse.
func Prometheus() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/query", func(w http.ResponseWriter, r *http.Request) {
		query(w, r, func(m map[string]string, v string) map[string]any {
			return map[string]any{"metric": m, "value": []any{float64(time.Now().Unix()), v}}
		}, "vector")
	})
	mux.HandleFunc("/api/v1/query_range", func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.ParseFloat(r.FormValue("start"), 64)
		end, _ := strconv.ParseFloat(r.FormValue("end"), 64)
		step, _ := strconv.ParseFloat(r.FormValue("step"), 64)
		query(w, r, func(m map[string]string, v string) map[string]any {
			var values []any
			for t := start; step > 0 && t <= end; t += step {
				values = append(values, []any{t, v})
			}
			return map[string]any{"metric": m, "values": values}
		}, "matrix")
	})
	mux.HandleFunc("/api/v1/targets", func(w http.ResponseWriter, _ *http.Request) {
		now := time.Now().UTC().Format(time.RFC3339)
		target := func(job, url, health, lastError string) map[string]any {
			return map[string]any{"discoveredLabels": map[string]string{}, "labels": map[string]string{"job": job}, "scrapePool": job, "scrapeUrl": url,
				"globalUrl": url, "lastError": lastError, "lastScrape": now, "lastScrapeDuration": 0.01, "health": health, "scrapeInterval": "30s", "scrapeTimeout": "10s"}
		}
		success(w, map[string]any{"activeTargets": []any{
			target("apiserver", "https://10.20.0.10:6443/metrics", "up", ""),
			target("node-exporter", "http://10.20.0.11:9100/metrics", "down", `Get "http://10.20.0.11:9100/metrics": dial tcp 10.20.0.11:9100: connect: connection refused`),
		}, "droppedTargets": []any{}})
	})
	mux.HandleFunc("/api/v1/rules", func(w http.ResponseWriter, _ *http.Request) {
		now := time.Now().UTC().Format(time.RFC3339)
		rule := func(name, query, state string, alerts int) map[string]any {
			active := []any{}
			for range alerts {
				active = append(active, map[string]any{"labels": map[string]string{"alertname": name}, "annotations": map[string]string{}, "state": state, "activeAt": now, "value": "0"})
			}
			return map[string]any{"name": name, "query": query, "duration": 600, "labels": map[string]string{"severity": "warning"}, "annotations": map[string]string{},
				"alerts": active, "health": "ok", "type": "alerting", "state": state, "lastError": "", "evaluationTime": 0.001, "lastEvaluation": now}
		}
		success(w, map[string]any{"groups": []any{map[string]any{"name": "tko.targets", "file": "/etc/config/alerting_rules.yml", "interval": 30, "rules": []any{
			rule("TKOTargetDown", "up == 0", "firing", 1),
			rule("TKOPodCrashLooping", "increase(kube_pod_container_status_restarts_total[15m]) > 3", "inactive", 0),
			map[string]any{"name": "job:up:sum", "query": "sum by (job) (up)", "labels": map[string]string{}, "health": "ok", "type": "recording", "lastError": "", "evaluationTime": 0.001, "lastEvaluation": now},
		}}}})
	})
	return mux
}

// query answers a query or range query with sample for each series.
func query(w http.ResponseWriter, r *http.Request, sample func(m map[string]string, v string) map[string]any, resultType string) {
	q := r.FormValue("query")
	if strings.Contains(q, "((") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "errorType": "bad_data", "error": `invalid parameter "query": 1:2: parse error: unexpected "("`})
		return
	}
	result := []any{}
	if strings.HasPrefix(q, "up") {
		for i, m := range series() {
			result = append(result, sample(m, strconv.Itoa(1-i)))
		}
	}
	success(w, map[string]any{"resultType": resultType, "result": result})
}

func success(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
}
