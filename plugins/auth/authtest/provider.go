package authtest

import (
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
)

// rfc7517Key is the RSA public key of RFC 7517's example A.1.
const rfc7517Key = `{"kty":"RSA","kid":"2011-04-29","use":"sig","alg":"RS256","e":"AQAB",` +
	`"n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}`

// Provider starts an OpenID provider serving its discovery document and
// a key set, as the Concierge probes them, and returns its issuer URL and
// its CA (PEM).
func Provider(t testing.TB) (issuer string, ca []byte) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks",
			"authorization_endpoint": srv.URL + "/authorize", "token_endpoint": srv.URL + "/token", "id_token_signing_alg_values_supported": []string{"RS256"}})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"keys":[` + rfc7517Key + `]}`))
	})
	return srv.URL, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
}

// Pinniped points the seeded JWTAuthenticator and pinniped-info at a
// Provider of the test's and adds a CredentialIssuer whose
// TokenCredentialRequest strategy works: identity management as it should
// be, and no name to resolve.
func Pinniped(t testing.TB, s *clitest.Server) {
	t.Helper()
	issuer, ca := Provider(t)
	caData := base64.StdEncoding.EncodeToString(ca)
	jwt := s.Object("jwtauthenticators", "", "tkg-jwt-authenticator")
	jwt.Object["spec"] = map[string]any{"issuer": issuer, "audience": "tkg-mgmt-4b2d9c", "tls": map[string]any{"certificateAuthorityData": caData}}
	info := s.Object("configmaps", "kube-public", "pinniped-info")
	info.Object["data"] = map[string]any{"cluster_name": "tkg-mgmt", "issuer": issuer, "issuer_ca_bundle_data": caData}
	s.Add(jwt, info)
	s.AddYAML(`
apiVersion: config.concierge.pinniped.dev/v1alpha1
kind: CredentialIssuer
metadata: {name: pinniped-concierge-config}
status:
  strategies:
  - type: KubeClusterSigningCertificate
    status: Success
    reason: FetchedKey
    message: key was fetched successfully
    lastUpdateTime: "2026-01-01T00:00:00Z"
    frontend:
      type: TokenCredentialRequestAPI
      tokenCredentialRequestInfo: {server: "` + s.URL + `", certificateAuthorityData: ` + caData + `}
`)
}
