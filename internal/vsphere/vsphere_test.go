package vsphere

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// token is an unsigned JWT expiring at exp: the shape of a session_id.
func token(exp time.Time) string {
	enc := base64.RawURLEncoding.EncodeToString
	payload, _ := json.Marshal(map[string]any{"sub": "administrator@vsphere.local", "exp": exp.Unix()})
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(payload) + "." + enc([]byte("sig"))
}

// supervisor plays the Supervisor's login endpoints exactly in the shapes
// of the vSphere with Tanzu notes: GET /wcp/loginbanner answers 200, POST
// /wcp/login takes HTTP Basic auth (or a session as a bearer token) and a
// JSON body, {} or the guest cluster's name and namespace, and answers
// session_id (and guest_cluster_server and guest_cluster_ca for a guest).
func supervisor(t *testing.T, exp time.Time) (*httptest.Server, Server, *[]*http.Request) {
	t.Helper()
	var seen []*http.Request
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r)
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/wcp/loginbanner":
			_, _ = w.Write([]byte("Authorized use only"))
		case r.Method == http.MethodPost && r.URL.Path == "/wcp/login":
			user, pass, basic := r.BasicAuth()
			bearer := r.Header.Get("Authorization") == "Bearer "+token(exp)
			password := basic && user == "administrator@vsphere.local" && pass == "s3cret!"
			if !password && !bearer {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			var body map[string]string
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil || r.Header.Get("Content-Type") != "application/json" {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			answer := map[string]string{"session_id": token(exp)}
			switch body["guest_cluster_name"] {
			case "":
			case "tkc-1":
				if body["guest_cluster_namespace"] != "team-a" {
					w.WriteHeader(http.StatusNotFound)
					return
				}
				answer["guest_cluster_server"], answer["guest_cluster_ca"] = "10.0.0.9", "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
			default:
				w.WriteHeader(http.StatusNotFound)
				return
			}
			_ = json.NewEncoder(w).Encode(answer)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	s, err := ParseServer(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	return srv, s, &seen
}

func caPEM(srv *httptest.Server) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

func TestParseServer(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.5": "https://10.0.0.5:443/x", "10.0.0.5:8443": "https://10.0.0.5:8443/x",
		"https://wcp.example.com/": "https://wcp.example.com:443/x", "[fd00::5]": "https://[fd00::5]:443/x",
	} {
		s, err := ParseServer(in)
		if err != nil || s.URL("/x") != want {
			t.Errorf("%s: %v %v, want %s", in, s.URL("/x"), err, want)
		}
	}
	if s, _ := ParseServer("10.0.0.5"); s.APIServer() != "https://10.0.0.5:6443" || s.String() != "10.0.0.5" {
		t.Errorf("api server %s, name %s", s.APIServer(), s.String())
	}
	for _, bad := range []string{"", "http://10.0.0.5", "10.0.0.5/wcp"} {
		if _, err := ParseServer(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLogin(t *testing.T) {
	exp := time.Now().Add(10 * time.Hour).Truncate(time.Second)
	srv, server, seen := supervisor(t, exp)
	ctx := context.Background()
	hc, err := NewHTTPClient(HTTPOptions{CAData: caPEM(srv), UserAgent: "kubectl-tko-auth/test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := Detect(ctx, hc, server); err != nil {
		t.Fatalf("detect: %v", err)
	}
	creds := Credentials{Username: "administrator@vsphere.local", Password: "s3cret!"}
	s, err := Login(ctx, hc, server, creds, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Expiry.Equal(exp) || s.Token != token(exp) || s.User != creds.Username || s.Guest != nil {
		t.Errorf("session %+v", s)
	}
	if ua := (*seen)[0].Header.Get("User-Agent"); ua != "kubectl-tko-auth/test" {
		t.Errorf("user agent %q", ua)
	}
	g, err := Login(ctx, hc, server, creds, &Guest{Namespace: "team-a", Name: "tkc-1"})
	if err != nil || g.GuestServer != "10.0.0.9" || !strings.Contains(g.GuestCA, "BEGIN CERTIFICATE") || GuestAPIServer(g.GuestServer) != "https://10.0.0.9:6443" {
		t.Fatalf("guest %+v %v", g, err)
	}
	if x, err := Exchange(ctx, hc, server, s, &Guest{Namespace: "team-a", Name: "tkc-1"}); err != nil || x.GuestServer != "10.0.0.9" {
		t.Fatalf("exchange %+v %v", x, err)
	}

	var rejected *RejectedError
	if _, err := Login(ctx, hc, server, Credentials{Username: creds.Username, Password: "wrong"}, nil); !errors.As(err, &rejected) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v", err)
	}
	var missing *GuestNotFoundError
	if _, err := Login(ctx, hc, server, creds, &Guest{Namespace: "team-a", Name: "nope"}); !errors.As(err, &missing) {
		t.Errorf("unknown guest: %v", err)
	}
}

func TestDetectFailures(t *testing.T) {
	srv, server, _ := supervisor(t, time.Now().Add(time.Hour))
	ctx := context.Background()
	// The system roots do not trust the test server.
	hc, _ := NewHTTPClient(HTTPOptions{})
	var ce *ConnectError
	if err := Detect(ctx, hc, server); !errors.As(err, &ce) || !ce.TLS {
		t.Errorf("untrusted: %v", err)
	}
	insecure, _ := NewHTTPClient(HTTPOptions{Insecure: true})
	if err := Detect(ctx, insecure, server); err != nil {
		t.Errorf("insecure: %v", err)
	}
	// Not a Supervisor: the API server itself, whose /wcp/loginbanner is 404.
	plain := httptest.NewTLSServer(http.NotFoundHandler())
	defer plain.Close()
	u, _ := url.Parse(plain.URL)
	other, _ := ParseServer(u.Host)
	var ns *NotSupervisorError
	if err := Detect(ctx, insecure, other); !errors.As(err, &ns) || ns.Status != 404 {
		t.Errorf("not a supervisor: %v", err)
	}
	srv.Close()
	if err := Detect(ctx, insecure, server); !errors.As(err, &ce) || ce.TLS {
		t.Errorf("down: %v", err)
	}
}

func TestStore(t *testing.T) {
	dir := t.TempDir()
	store, err := NewStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	a := &Session{Server: "10.0.0.5", User: "alice", Token: "t1", Expiry: now.Add(time.Hour)}
	b := &Session{Server: "10.0.0.5", User: "alice", Guest: &Guest{Namespace: "team-a", Name: "tkc-1"}, Token: "t2", Expiry: now.Add(-time.Minute)}
	c := &Session{Server: "10.0.0.6", User: "bob", Token: "t3", Expiry: now.Add(time.Hour)}
	if err := store.Put(a, b, c); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, SessionsFile))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v %v", info, err)
	}
	got, err := store.Get("10.0.0.5", "alice", &Guest{Namespace: "team-a", Name: "tkc-1"})
	if err != nil || got == nil || got.Token != "t2" || got.Valid(now, Margin) {
		t.Fatalf("guest session %+v %v", got, err)
	}
	if got, _ := store.Get("10.0.0.5", "alice", nil); !got.Valid(now, Margin) || !strings.HasPrefix(got.State(now), "expires at ") {
		t.Errorf("supervisor session %+v", got)
	}
	if s := (Session{Expiry: now.Add(-time.Second)}).State(now); !strings.HasPrefix(s, "expired at ") {
		t.Errorf("state %s", s)
	}
	gone, err := store.Forget("10.0.0.5", false)
	if err != nil || len(gone) != 2 {
		t.Fatalf("forget %v %v", gone, err)
	}
	left, _ := store.List()
	if len(left) != 1 || left[0].User != "bob" {
		t.Errorf("left %+v", left)
	}
}

func TestExpiredSession(t *testing.T) {
	e := &SessionExpiredError{Server: "10.0.0.5", User: "alice", Expired: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if e.Error() != "the vSphere session of alice at 10.0.0.5 expired at 2026-01-02T03:04:05Z" {
		t.Error(e.Error())
	}
	e.Expired = time.Time{}
	if e.Error() != "there is no vSphere session of alice at 10.0.0.5" {
		t.Error(e.Error())
	}
	if _, err := Expiry("not-a-jwt"); err == nil {
		t.Error("a token without exp was accepted")
	}
}
