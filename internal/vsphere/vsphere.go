// Package vsphere logs a user in to a vSphere with Tanzu Supervisor as
// `kubectl vsphere login` does: it detects the Supervisor, trades vSphere
// SSO credentials for a session token at /wcp/login (for the Supervisor or
// for a TanzuKubernetesCluster, the guest cluster), finds the vSphere
// namespaces the user may use, and keeps sessions in a cache of its own.
//
// It has no command-line code: the password comes in through Credentials,
// errors are typed (errors.go) and worded by the command layer. Passwords
// and tokens never appear in an error, a log line or a notice.
package vsphere

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// APIPort is where a Supervisor's (and a guest cluster's) Kubernetes API
// server listens; /wcp/login answers on the Supervisor's HTTPS port (443).
const APIPort = "6443"

// Server is a Supervisor's address as the user gave it: a host, and the
// port of its login endpoint when not 443.
type Server struct {
	Host string
	Port string // "443" unless the address carried one
}

// ParseServer reads SERVER of --server: "10.0.0.5", "10.0.0.5:8443",
// "https://wcp.example.com" or "[fd00::5]:443". A path is refused.
func ParseServer(s string) (Server, error) {
	raw := strings.TrimSpace(s)
	if raw == "" {
		return Server{}, errors.New("no Supervisor address")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return Server{}, fmt.Errorf("%q is not a host name or address", s)
	}
	if u.Scheme != "https" {
		return Server{}, fmt.Errorf("%q: the Supervisor is reached over https only", s)
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		return Server{}, fmt.Errorf("%q: give the Supervisor's address alone, without a path", s)
	}
	port := u.Port()
	if port == "" {
		port = "443"
	}
	return Server{Host: u.Hostname(), Port: port}, nil
}

// String is the address as kubeconfig names use it: the host, with the
// port only when it is not 443.
func (s Server) String() string {
	if s.Port == "" || s.Port == "443" {
		return s.Host
	}
	return net.JoinHostPort(s.Host, s.Port)
}

// URL is an https URL on the login port.
func (s Server) URL(path string) string {
	return "https://" + net.JoinHostPort(s.Host, orDefault(s.Port, "443")) + path
}

// APIServer is the Supervisor's Kubernetes API server.
func (s Server) APIServer() string { return "https://" + net.JoinHostPort(s.Host, APIPort) }

// GuestAPIServer is a guest cluster's API server, from guest_cluster_server.
func GuestAPIServer(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return "https://" + host
	}
	return "https://" + net.JoinHostPort(host, APIPort)
}

// Credentials are a vSphere SSO user and password.
type Credentials struct {
	Username string
	Password string
}

// Guest names a TanzuKubernetesCluster in a vSphere namespace.
type Guest struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

func (g *Guest) String() string {
	if g == nil {
		return ""
	}
	return g.Namespace + "/" + g.Name
}

// Session is a Supervisor session: its token (the session_id, a JWT) and
// when it stops working, for the Supervisor or for one guest cluster.
type Session struct {
	Server      string    `json:"server"` // Server.String()
	User        string    `json:"user"`
	Guest       *Guest    `json:"guest,omitempty"`
	Token       string    `json:"token"`
	Expiry      time.Time `json:"expiry"`
	GuestServer string    `json:"guestServer,omitempty"` // guest_cluster_server
	GuestCA     string    `json:"guestCA,omitempty"`     // guest_cluster_ca, PEM
}

// Valid says whether the session still works margin from now.
func (s *Session) Valid(now time.Time, margin time.Duration) bool {
	return s != nil && s.Expiry.After(now.Add(margin))
}

// Margin is how long before its expiry a session is treated as expired,
// so kubectl never presents a token that lapses in flight.
const Margin = 30 * time.Second

// HTTPOptions say how to reach a Supervisor.
type HTTPOptions struct {
	Insecure  bool          // --insecure-skip-tls-verify
	CAData    []byte        // PEM trusted besides the system roots (--certificate-authority)
	Timeout   time.Duration // --request-timeout; 0 is 30s
	UserAgent string
}

// NewHTTPClient returns a client trusting the system roots plus CAData.
func NewHTTPClient(o HTTPOptions) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.Insecure {
		cfg.InsecureSkipVerify = true //nolint:gosec // the user asked for it with --insecure-skip-tls-verify
	} else if len(o.CAData) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(o.CAData) {
			return nil, errors.New("the certificate authority file holds no PEM certificate")
		}
		cfg.RootCAs = pool
	}
	tr.TLSClientConfig = cfg
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	var rt http.RoundTripper = tr
	if o.UserAgent != "" {
		rt = userAgent{agent: o.UserAgent, next: tr}
	}
	return &http.Client{Transport: rt, Timeout: timeout}, nil
}

type userAgent struct {
	agent string
	next  http.RoundTripper
}

func (u userAgent) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("User-Agent", u.agent)
	return u.next.RoundTrip(r)
}

// Detect checks that server is a Supervisor: GET /wcp/loginbanner answers
// 200 (as the tanzu CLI tells one).
func Detect(ctx context.Context, hc *http.Client, server Server) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, server.URL("/wcp/loginbanner"), http.NoBody)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return connectError(server.URL(""), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &NotSupervisorError{Server: server.String(), Status: resp.StatusCode}
	}
	return nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
