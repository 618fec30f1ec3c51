package oidc

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"golang.org/x/oauth2"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// fakeSupervisor speaks the parts of a Pinniped Supervisor a login uses:
// discovery with the Supervisor extension, the CLI password flow's
// authorize redirect, the code exchange with PKCE, refresh and the RFC
// 8693 exchange. (A real Supervisor cannot be built here; Dex covers the
// plain-provider flows in test/auth.)
type fakeSupervisor struct {
	t      *testing.T
	srv    *httptest.Server
	signer jose.Signer
	key    *rsa.PrivateKey

	mu        sync.Mutex
	challenge string
	logins    int
	exchanges []string // audiences asked for
}

func newFakeSupervisor(t *testing.T) *fakeSupervisor {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key, KeyID: "k1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSupervisor{t: t, signer: signer, key: key}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeSupervisor) issuer() string { return f.srv.URL + "/provider" }

func (f *fakeSupervisor) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.srv.Certificate().Raw})
}

func (f *fakeSupervisor) jwt(aud string) string {
	claims, _ := json.Marshal(map[string]any{"iss": f.issuer(), "sub": "alice", "aud": aud, "username": "alice", "groups": []string{"ldap-admins"},
		"iat": time.Now().Unix(), "exp": time.Now().Add(5 * time.Minute).Unix()})
	sig, err := f.signer.Sign(claims)
	if err != nil {
		f.t.Fatal(err)
	}
	s, _ := sig.CompactSerialize()
	return s
}

func (f *fakeSupervisor) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/provider/.well-known/openid-configuration":
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": f.issuer(), "authorization_endpoint": f.issuer() + "/oauth2/authorize",
			"token_endpoint": f.issuer() + "/oauth2/token", "jwks_uri": f.issuer() + "/jwks.json",
			"discovery.supervisor.pinniped.dev/v1alpha1": map[string]any{"pinniped_identity_providers_endpoint": f.issuer() + "/v1alpha1/pinniped_identity_providers"}})
	case "/provider/jwks.json":
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &f.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	case "/provider/oauth2/authorize":
		q := r.URL.Query()
		if r.Header.Get("Pinniped-Username") != "alice" || r.Header.Get("Pinniped-Password") != "secret" ||
			q.Get("pinniped_idp_name") != "corp-ldap" || q.Get("code_challenge_method") != "S256" {
			http.Redirect(w, r, q.Get("redirect_uri")+"?error=access_denied&state="+q.Get("state"), http.StatusFound)
			return
		}
		f.challenge, f.logins = q.Get("code_challenge"), f.logins+1
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=the-code&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	case "/provider/oauth2/token":
		_ = r.ParseForm()
		switch r.PostForm.Get("grant_type") {
		case "authorization_code":
			if oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != f.challenge || r.PostForm.Get("code") != "the-code" {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"error":"invalid_grant"}`))
				return
			}
			fallthrough
		case "refresh_token":
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "supervisor-access-token", "refresh_token": "supervisor-refresh-token",
				"id_token": f.jwt("pinniped-cli"), "token_type": "Bearer", "expires_in": 120})
		case pinniped.GrantTypeTokenExchange:
			if r.PostForm.Get("subject_token") != "supervisor-access-token" {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"error":"invalid_request"}`))
				return
			}
			f.exchanges = append(f.exchanges, r.PostForm.Get("audience"))
			_ = json.NewEncoder(w).Encode(map[string]any{"access_token": f.jwt(r.PostForm.Get("audience")),
				"issued_token_type": pinniped.TokenTypeJWT, "token_type": "N_A"})
		}
	default:
		http.NotFound(w, r)
	}
}

// fakeConcierge answers TokenCredentialRequests whose token has the audience.
func fakeConcierge(t *testing.T, audience string) (*httptest.Server, *[]string) {
	var seen []string
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req pinniped.TokenCredentialRequest
		_ = json.NewDecoder(r.Body).Decode(&req)
		claims, _ := DecodeClaims(req.Spec.Token)
		if claims == nil || len(claims.Audience) != 1 || claims.Audience[0] != audience || req.Spec.Authenticator.Name != "tkg-jwt-authenticator" {
			_, _ = w.Write([]byte(`{"kind":"TokenCredentialRequest","apiVersion":"login.concierge.pinniped.dev/v1alpha1","status":{"message":"authentication failed"}}`))
			return
		}
		seen = append(seen, claims.Subject)
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"kind":"TokenCredentialRequest","apiVersion":"login.concierge.pinniped.dev/v1alpha1","status":{"credential":{"expirationTimestamp":"` +
			time.Now().Add(5*time.Minute).UTC().Format(time.RFC3339) + `","clientCertificateData":"CERT","clientKeyData":"KEY"}}}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &seen
}

func TestSupervisorPasswordFlowExchangeAndConcierge(t *testing.T) {
	sup := newFakeSupervisor(t)
	conc, seen := fakeConcierge(t, "wc-1")
	cfg := Config{Issuer: sup.issuer(), ClientID: "pinniped-cli", Scopes: []string{"openid", "offline_access", "pinniped:request-audience"},
		CABundle: sup.caPEM(), RequestAudience: "wc-1", UpstreamName: "corp-ldap", UpstreamType: "ldap", UpstreamFlow: FlowPassword,
		Concierge: Concierge{Enabled: true, Endpoint: conc.URL, CABundle: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: conc.Certificate().Raw}),
			Authenticator: pinniped.Authenticator{Type: "jwt", Name: "tkg-jwt-authenticator"}}}
	store, _ := NewStore(t.TempDir())
	password := "secret"
	in := Interaction{Credentials: func(context.Context) (string, string, error) { return "alice", password, nil }}
	client, err := NewClient(cfg, store, in)
	if err != nil {
		t.Fatal(err)
	}
	cluster := &ClusterInfo{Server: conc.URL}
	cred, err := client.Credential(context.Background(), cluster)
	if err != nil {
		t.Fatal(err)
	}
	if cred.ClientCertificateData != "CERT" || cred.ClientKeyData != "KEY" || len(*seen) != 1 || strings.Join(sup.exchanges, ",") != "wc-1" {
		t.Fatalf("credential %+v, concierge saw %v, exchanges %v", cred, *seen, sup.exchanges)
	}
	// Cached: no login, no exchange, no Concierge call.
	if c, err := CachedCredential(store, &cfg, cluster, time.Now()); err != nil || c == nil || c.ClientKeyData != "KEY" {
		t.Fatalf("cached %+v %v", c, err)
	}
	// Another cluster: the session's exchanged token is reused, a new credential made.
	password = "wrong"
	client2, _ := NewClient(cfg, store, in)
	if _, err := client2.Credential(context.Background(), &ClusterInfo{Server: conc.URL, CertificateAuthorityData: "other"}); err != nil {
		t.Fatal(err)
	}
	if sup.logins != 1 || len(*seen) != 2 {
		t.Fatalf("logins %d, concierge calls %d", sup.logins, len(*seen))
	}
	// A wrong password against the Supervisor is a LoginError naming the code.
	_, _ = store.Clear()
	client3, _ := NewClient(cfg, store, in)
	_, err = client3.Credential(context.Background(), cluster)
	var le *LoginError
	if !errorsAs(err, &le) || le.Code != "access_denied" {
		t.Fatalf("wrong password: %v", err)
	}
}
