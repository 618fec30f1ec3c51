package observetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Alertmanager is Alertmanager's v2 API over two firing alerts (one
// critical, one warning) and the silences added to it.
type Alertmanager struct {
	mu       sync.Mutex
	silences []map[string]any
}

// NewAlertmanager returns an Alertmanager without silences.
func NewAlertmanager() *Alertmanager { return &Alertmanager{} }

// Silences returns the silences added so far, with their state.
func (a *Alertmanager) Silences() []map[string]any {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]map[string]any(nil), a.silences...)
}

// Silence adds an active silence with its ID, as if added before.
func (a *Alertmanager) Silence(id, matcher string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	name, value, _ := strings.Cut(matcher, "=")
	a.silences = append(a.silences, map[string]any{
		"id": id, "matchers": []any{map[string]any{"name": name, "value": value, "isRegex": false, "isEqual": true}},
		"startsAt": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "endsAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"createdBy": "ops", "comment": "maintenance", "status": map[string]any{"state": "active"},
	})
}

func (a *Alertmanager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch path := strings.TrimPrefix(r.URL.Path, "/api/v2"); {
	case path == "/alerts" && r.Method == http.MethodGet:
		_ = json.NewEncoder(w).Encode(a.alerts())
	case path == "/silences" && r.Method == http.MethodGet:
		_ = json.NewEncoder(w).Encode(a.silences)
	case path == "/silences" && r.Method == http.MethodPost:
		var s map[string]any
		if err := json.NewDecoder(r.Body).Decode(&s); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		s["id"] = fmt.Sprintf("silence-%d", len(a.silences)+1)
		s["status"] = map[string]any{"state": "active"}
		a.silences = append(a.silences, s)
		_ = json.NewEncoder(w).Encode(map[string]any{"silenceID": s["id"]})
	case strings.HasPrefix(path, "/silence/"):
		a.one(w, r, strings.TrimPrefix(path, "/silence/"))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// one answers GET and DELETE of a silence by ID.
func (a *Alertmanager) one(w http.ResponseWriter, r *http.Request, id string) {
	for _, s := range a.silences {
		if s["id"] != id {
			continue
		}
		if r.Method == http.MethodDelete {
			s["status"] = map[string]any{"state": "expired"}
			return
		}
		_ = json.NewEncoder(w).Encode(s)
		return
	}
	w.WriteHeader(http.StatusNotFound)
	_ = json.NewEncoder(w).Encode(fmt.Sprintf("silence %s not found", id))
}

func (a *Alertmanager) alerts() []any {
	start := time.Now().Add(-30 * time.Minute).UTC().Format(time.RFC3339)
	alert := func(name, severity, summary string) map[string]any {
		return map[string]any{"labels": map[string]string{"alertname": name, "severity": severity}, "annotations": map[string]string{"summary": summary},
			"startsAt": start, "fingerprint": name, "status": map[string]any{"state": "active", "silencedBy": []string{}, "inhibitedBy": []string{}}}
	}
	return []any{
		alert("TKOTargetDown", "warning", "node-exporter target 10.20.0.11:9100 has been down for 10 minutes."),
		alert("TKONodeNotReady", "critical", "Node tkg-mgmt-md-0 has not been Ready for 15 minutes."),
	}
}
