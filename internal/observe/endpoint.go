// Package observe reads what an operator needs to know about a cluster's
// health without opening Grafana: the cluster's own state (nodes, pods,
// workloads, events, Cluster API and kapp-controller objects), its capacity,
// and its Prometheus and Alertmanager (TKG's Prometheus package), reached
// through the API server's service proxy or directly by URL. It is a
// library: no flags, no terminal, typed errors for the command layer.
package observe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
)

// Namespace is where TKG's Prometheus package deploys Prometheus and
// Alertmanager.
const Namespace = "tanzu-system-monitoring"

// Service names a Service port the API server proxies to.
type Service struct {
	Namespace string
	Name      string
	Port      string // a number or a port name
}

// The Services of TKG's Prometheus package (port 80 in front of 9090 and 9093).
var (
	PrometheusService   = Service{Namespace: Namespace, Name: "prometheus-server", Port: "80"}
	AlertmanagerService = Service{Namespace: Namespace, Name: "alertmanager", Port: "80"}
)

func (s Service) String() string { return s.Namespace + "/" + s.Name + ":" + s.Port }

// ParseService reads NS/NAME:PORT (the port is optional and defaults to 80).
func ParseService(s string) (Service, error) {
	ns, rest, ok := strings.Cut(s, "/")
	if !ok || ns == "" || rest == "" {
		return Service{}, fmt.Errorf("%q is not NAMESPACE/NAME[:PORT]", s)
	}
	name, port, hasPort := strings.Cut(rest, ":")
	if !hasPort {
		port = "80"
	}
	if name == "" || port == "" {
		return Service{}, fmt.Errorf("%q is not NAMESPACE/NAME[:PORT]", s)
	}
	return Service{Namespace: ns, Name: name, Port: port}, nil
}

// Component is what an endpoint serves, for messages.
type Component string

// The components this package talks to.
const (
	Prometheus   Component = "Prometheus"
	Alertmanager Component = "Alertmanager"
)

// Endpoint is one HTTP API: its base URL and the transport that reaches it
// (the API server's credentials through the service proxy, or a plain
// client for a URL).
type Endpoint struct {
	Component Component
	BaseURL   string
	Service   *Service // nil when reached by URL
	client    *http.Client
	status    *statusTransport
}

// HTTPClient sends the endpoint's requests (with the API server's
// credentials when through its proxy).
func (e *Endpoint) HTTPClient() *http.Client { return e.client }

// ThroughProxy reaches a Service through the API server's service proxy
// with the user's credentials: RBAC services/proxy in the Service's
// namespace decides who may.
func ThroughProxy(cfg *rest.Config, c Component, svc Service) (*Endpoint, error) {
	rt, err := rest.TransportFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the API server transport: %w", err)
	}
	st := &statusTransport{next: rt}
	base := strings.TrimRight(cfg.Host, "/") + cfg.APIPath
	if cfg.APIPath == "" {
		base = strings.TrimRight(cfg.Host, "/")
	}
	base += fmt.Sprintf("/api/v1/namespaces/%s/services/%s:%s/proxy", url.PathEscape(svc.Namespace), url.PathEscape(svc.Name), url.PathEscape(svc.Port))
	return &Endpoint{Component: c, BaseURL: base, Service: &svc, status: st, client: &http.Client{Transport: st, Timeout: cfg.Timeout}}, nil
}

// Direct reaches an API at a URL (a port-forward, monitoring outside the
// cluster).
func Direct(c Component, rawURL string) (*Endpoint, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &URLError{URL: rawURL}
	}
	st := &statusTransport{next: http.DefaultTransport}
	return &Endpoint{Component: c, BaseURL: strings.TrimRight(rawURL, "/"), status: st, client: &http.Client{Transport: st}}, nil
}

// statusTransport keeps the API server's own refusal (a Status object: the
// Service does not exist, has no endpoints, RBAC denies the proxy), which
// the Prometheus client would flatten into text.
type statusTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	err  *apierrors.StatusError
}

func (t *statusTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		return resp, err
	}
	body, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	var status metav1.Status
	if json.Unmarshal(body, &status) == nil && status.Kind == "Status" {
		t.mu.Lock()
		t.err = &apierrors.StatusError{ErrStatus: status}
		t.mu.Unlock()
	}
	return resp, nil
}

// lastStatus returns (and forgets) the last refusal of the API server.
func (t *statusTransport) lastStatus() *apierrors.StatusError {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.err
	t.err = nil
	return err
}

// Explain turns a failed call into a typed error: the API server's own
// refusal first (absent Service, no endpoints, Forbidden), then an
// unreachable URL, else the error as it came.
func (e *Endpoint) Explain(err error) error {
	if err == nil {
		return nil
	}
	if st := e.status.lastStatus(); st != nil {
		return e.refused(st)
	}
	var ue *url.Error
	if e.Service == nil && errors.As(err, &ue) {
		return &UnreachableError{Component: e.Component, URL: e.BaseURL, Err: ue.Err}
	}
	return err
}

// refused types the API server's refusal to proxy.
func (e *Endpoint) refused(st *apierrors.StatusError) error {
	code := int(st.ErrStatus.Code)
	switch {
	case apierrors.IsForbidden(st), apierrors.IsUnauthorized(st):
		return st
	case e.Service != nil && (code == http.StatusNotFound || code == http.StatusServiceUnavailable || code == http.StatusBadGateway):
		return &NotInstalledError{Component: e.Component, Service: *e.Service, Reason: st.ErrStatus.Message}
	}
	return st
}

// do sends a request and decodes a JSON answer into out.
func (e *Endpoint) do(req *http.Request, out any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := e.client.Do(req)
	if err != nil {
		return e.Explain(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return e.Explain(err)
	}
	if resp.StatusCode >= 300 {
		if st := e.status.lastStatus(); st != nil {
			return e.refused(st)
		}
		msg := apiMessage(body)
		if msg == "" {
			msg = resp.Status
		}
		return &APIError{Component: e.Component, Code: resp.StatusCode, Msg: msg}
	}
	if out == nil || len(body) == 0 {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decoding %s's answer: %w", e.Component, err)
	}
	return nil
}

// apiMessage is the message of an API's error body: a JSON string
// (Alertmanager), an object with "error" or "message", or the text.
func apiMessage(body []byte) string {
	var s string
	if json.Unmarshal(body, &s) == nil {
		return strings.TrimSpace(s)
	}
	var obj struct{ Error, Message string }
	if json.Unmarshal(body, &obj) == nil {
		if obj.Error != "" {
			return obj.Error
		}
		if obj.Message != "" {
			return obj.Message
		}
	}
	return strings.TrimSpace(string(body))
}
