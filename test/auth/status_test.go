package auth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

func TestStatusFindsABrokenAuthenticator(t *testing.T) {
	e := suite.New(t)
	publishIssuer(t, e)
	e.Kubectl("tko", "auth", "doctor", "--show-ok").Success().
		StdoutContains("ConfigMap/kube-public/pinniped-info", "issuer "+dex.Issuer+" reachable").
		StderrContains("0 error(s)")

	gvr := schema.GroupVersionResource{Group: "authentication.concierge.pinniped.dev", Version: "v1alpha1", Resource: "jwtauthenticators"}
	ja := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.concierge.pinniped.dev/v1alpha1", "kind": "JWTAuthenticator",
		"metadata": map[string]any{"name": "tkg-jwt-authenticator"},
		"spec":     map[string]any{"issuer": "https://supervisor.example.com/provider", "audience": "tko-local"},
	}}
	ctx := context.Background()
	created, err := suite.Dyn.Resource(gvr).Create(ctx, ja, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = suite.Dyn.Resource(gvr).Delete(ctx, "tkg-jwt-authenticator", metav1.DeleteOptions{}) })
	created.Object["status"] = map[string]any{"phase": "Error", "conditions": []any{
		map[string]any{"type": "JWKSFetchValid", "status": "False", "reason": "InvalidCouldNotFetchJWKS", "message": "could not fetch keys: x509: certificate signed by unknown authority",
			"lastTransitionTime": "2026-11-26T10:00:00Z"},
	}}
	if _, err := suite.Dyn.Resource(gvr).UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "auth", "doctor", "--request-timeout", "3s").ExitCode(1).
		StdoutContains("error", "JWTAuthenticator/tkg-jwt-authenticator", "issuer https://supervisor.example.com/provider unreachable",
			"Concierge: phase Error: JWKSFetchValid False: could not fetch keys",
			"spec.issuer is right", "no JWTAuthenticator on this cluster trusts the published issuer "+dex.Issuer).
		StderrContains("1 error(s)")
	e.Kubectl("tko", "auth", "doctor", "-o", "json").ExitCode(1).StdoutContains(`"severity": "error"`, `"object": "JWTAuthenticator/tkg-jwt-authenticator"`)
}

var jwtAuthenticators = schema.GroupVersionResource{Group: "authentication.concierge.pinniped.dev", Version: "v1alpha1", Resource: "jwtauthenticators"}

// createAuthenticator creates a JWTAuthenticator with no status, as it is
// before any Concierge has processed it, and deletes it after the test.
func createAuthenticator(t *testing.T, name, issuer string, ca []byte) {
	t.Helper()
	spec := map[string]any{"issuer": issuer, "audience": clientID}
	if ca != nil {
		spec["tls"] = map[string]any{"certificateAuthorityData": base64.StdEncoding.EncodeToString(ca)}
	}
	ja := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "authentication.concierge.pinniped.dev/v1alpha1", "kind": "JWTAuthenticator",
		"metadata": map[string]any{"name": name}, "spec": spec,
	}}
	ctx := context.Background()
	if _, err := suite.Dyn.Resource(jwtAuthenticators).Create(ctx, ja, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = suite.Dyn.Resource(jwtAuthenticators).Delete(ctx, name, metav1.DeleteOptions{}) })
}

// tlsIssuer is an OIDC provider on loopback TLS with a certificate of its
// own (not Dex's CA): a discovery document naming itself, and one key.
func tlsIssuer(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": srv.URL, "jwks_uri": srv.URL + "/keys"})
		case "/keys":
			_, _ = w.Write([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"k1","use":"sig","alg":"ES256"}]}`))
		default:
			http.NotFound(w, r)
		}
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake refused on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

// Authenticators no Concierge has processed yet: the doctor probes each
// issuer itself, and an issuer logins cannot use is an error.
func TestStatusProbesEveryAuthenticatorIssuer(t *testing.T) {
	e := suite.New(t)
	publishIssuer(t, e)
	port, err := localcp.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	other := tlsIssuer(t)
	createAuthenticator(t, "dex", dex.Issuer, dex.CAPEM)
	createAuthenticator(t, "unreachable", fmt.Sprintf("https://127.0.0.1:%d/dex", port), dex.CAPEM)
	createAuthenticator(t, "wrong-ca", other.URL, dex.CAPEM)
	// Dex names its issuer without the slash: the Concierge would refuse the tokens.
	createAuthenticator(t, "other-issuer", dex.Issuer+"/", dex.CAPEM)

	r := e.Kubectl("tko", "auth", "doctor", "--request-timeout", "5s", "-o", "json").ExitCode(1)
	var rows []struct{ Severity, Object, Cause, Fix string }
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		t.Fatalf("%v: %s", err, r.Stdout)
	}
	want := map[string]struct {
		severity string
		cause    []string
	}{
		"JWTAuthenticator/dex":          {"warning", []string{"phase unknown (no status yet); issuer " + dex.Issuer + " serves its discovery document and keys to this client"}},
		"JWTAuthenticator/unreachable":  {"error", []string{fmt.Sprintf("issuer https://127.0.0.1:%d/dex unreachable", port), "connection refused", "Concierge: phase unknown (no status yet)"}},
		"JWTAuthenticator/wrong-ca":     {"error", []string{"TLS verification of issuer " + other.URL + " failed: x509: ", "Concierge: phase unknown (no status yet)"}},
		"JWTAuthenticator/other-issuer": {"error", []string{"the discovery document of " + dex.Issuer + "/ names another issuer, " + dex.Issuer}},
	}
	seen := 0
	for _, row := range rows {
		w, ok := want[row.Object]
		if !ok {
			continue
		}
		seen++
		if row.Severity != w.severity {
			t.Errorf("%s: severity %s, want %s: %s", row.Object, row.Severity, w.severity, row.Cause)
		}
		for _, c := range w.cause {
			if !strings.Contains(row.Cause, c) {
				t.Errorf("%s: cause %q lacks %q", row.Object, row.Cause, c)
			}
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of %d authenticators reported: %s", seen, len(want), r.Stdout)
	}
	e.Kubectl("tko", "auth", "doctor").ExitCode(1).
		StdoutContains("error\tJWTAuthenticator/unreachable", "error\tJWTAuthenticator/wrong-ca", "error\tJWTAuthenticator/other-issuer",
			"warning\tJWTAuthenticator/dex", "spec.tls.certificateAuthorityData is not the CA", "spec.issuer must be exactly the issuer the provider names").
		StderrContains("3 error(s)", "1 healthy object(s)")
}
