package vsphere

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

// The vSphere SSO user the played vCenter knows, and what its sessions say.
const (
	devopsUser = "devops@vsphere.local"
	// The password is distinctive so that finding it anywhere is a leak.
	devopsPassword = "Vmw4re!-e2e-p4ssw0rd-6c1d"
	// audience of the session tokens, which the API server is told to accept.
	audience = "vsphere-supervisor"
	// sessionLife is vCenter's default session length (about 10 hours).
	sessionLife = 10 * time.Hour
	// usernamePrefix is what the API server puts before the sub claim.
	usernamePrefix = "sso:"
	keyID          = "vcenter-session-signing"
)

// Estate tells whether the TanzuKubernetesCluster namespace/name exists.
type Estate func(namespace, name string) (bool, error)

// VCenter plays vCenter's /wcp endpoints on a Supervisor's address (see
// the package comment): GET /wcp/loginbanner, POST /wcp/login, and the
// OpenID discovery document and keys of the session tokens it signs.
type VCenter struct {
	Addr   string // the loopback address it shares with the API server
	Server string // addr:port, what --server takes
	Issuer string
	CAPEM  []byte

	key    *rsa.PrivateKey
	signer jose.Signer
	srv    *http.Server
	logins atomic.Int64

	mu      sync.Mutex
	estate  Estate
	guestCA string // the guest clusters' CA: the API server's
}

// StartVCenter listens on a free port of addr with a serving certificate
// from a CA of its own.
func StartVCenter(addr string) (*VCenter, error) {
	caPEM, certPEM, keyPEM, err := localcp.NewServingPairFor("vcenter", addr)
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", keyID))
	if err != nil {
		return nil, err
	}
	l, err := tls.Listen("tcp", net.JoinHostPort(addr, "0"), &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", addr, err)
	}
	v := &VCenter{Addr: addr, Server: l.Addr().String(), CAPEM: caPEM, key: key, signer: signer}
	v.Issuer = "https://" + v.Server
	mux := http.NewServeMux()
	mux.HandleFunc("GET /wcp/loginbanner", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Authorized users only.")
	})
	mux.HandleFunc("POST /wcp/login", v.login)
	mux.HandleFunc("GET /.well-known/openid-configuration", v.discovery)
	mux.HandleFunc("GET /openid/v1/jwks", v.jwks)
	// The TLS failures the tests provoke are not news.
	v.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	go func() { _ = v.srv.Serve(l) }()
	return v, nil
}

// Stop closes the listener.
func (v *VCenter) Stop() { _ = v.srv.Close() }

// Logins counts the POST /wcp/login requests, answered or refused.
func (v *VCenter) Logins() int64 { return v.logins.Load() }

// Attach hands the endpoint what vCenter knows of the Supervisor: its
// TanzuKubernetesClusters and the CA of their API servers.
func (v *VCenter) Attach(estate Estate, guestCA []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.estate, v.guestCA = estate, string(guestCA)
}

// loginBody is the body of POST /wcp/login.
type loginBody struct {
	GuestName      string `json:"guest_cluster_name"`
	GuestNamespace string `json:"guest_cluster_namespace"`
}

// login answers as /wcp/login does: Basic authentication with the SSO
// password (the notes know of no other, so a bearer token is refused
// with 401 like a wrong password), 404 for a TanzuKubernetesCluster that
// does not exist.
func (v *VCenter) login(w http.ResponseWriter, r *http.Request) {
	v.logins.Add(1)
	user, password, ok := r.BasicAuth()
	if !ok || user != devopsUser || password != devopsPassword {
		http.Error(w, `{"message":"Unauthorized"}`, http.StatusUnauthorized)
		return
	}
	var body loginBody
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil {
		http.Error(w, `{"message":"invalid request body"}`, http.StatusBadRequest)
		return
	}
	answer := map[string]string{}
	if body.GuestName != "" || body.GuestNamespace != "" {
		v.mu.Lock()
		estate, guestCA := v.estate, v.guestCA
		v.mu.Unlock()
		found := false
		if estate != nil && body.GuestName != "" && body.GuestNamespace != "" {
			var err error
			if found, err = estate(body.GuestNamespace, body.GuestName); err != nil {
				http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
				return
			}
		}
		if !found {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		answer["guest_cluster_server"], answer["guest_cluster_ca"] = v.Addr, guestCA
	}
	token, err := v.sign(user, time.Now().Add(sessionLife))
	if err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	answer["session_id"] = token
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(answer)
}

// sign issues a session token of user until exp.
func (v *VCenter) sign(user string, exp time.Time) (string, error) {
	now := time.Now()
	return jwt.Signed(v.signer).Claims(jwt.Claims{
		Issuer: v.Issuer, Subject: user, Audience: jwt.Audience{audience},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)), Expiry: jwt.NewNumericDate(exp),
	}).Serialize()
}

func (v *VCenter) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer": v.Issuer, "jwks_uri": v.Issuer + "/openid/v1/jwks",
		"response_types_supported": []string{"id_token"}, "subject_types_supported": []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (v *VCenter) jwks(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &v.key.PublicKey, KeyID: keyID, Algorithm: string(jose.RS256), Use: "sig"}}})
}

// AuthenticationConfig makes the API server trust the session tokens as
// a Supervisor does: usernames sso:<sub>.
func (v *VCenter) AuthenticationConfig() []byte {
	indented := "      " + strings.ReplaceAll(strings.TrimSpace(string(v.CAPEM)), "\n", "\n      ")
	return fmt.Appendf(nil, `apiVersion: apiserver.config.k8s.io/v1
kind: AuthenticationConfiguration
jwt:
- issuer:
    url: %s
    audiences: [%s]
    certificateAuthority: |
%s
  claimMappings:
    username:
      claim: sub
      prefix: %q
`, v.Issuer, audience, indented, usernamePrefix)
}
