package oidc

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// issuerServer is an OIDC provider on loopback TLS: its discovery document
// names issuer (the server's URL + "/oidc" unless names is set) and a key set.
type issuerServer struct {
	*httptest.Server
	names   string // the issuer the document claims; "" is the right one
	jwksURI string // "" is the server's own /oidc/keys
	keys    string // the key set; "" is one EC key
	hang    bool   // never answer
}

func newIssuer(t *testing.T, is *issuerServer) *issuerServer {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	is.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if is.hang {
			<-r.Context().Done()
			return
		}
		switch r.URL.Path {
		case "/oidc/.well-known/openid-configuration":
			iss, jwks := is.issuer(), is.URL+"/oidc/keys"
			if is.names != "" {
				iss = is.names
			}
			if is.jwksURI != "" {
				jwks = is.jwksURI
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"issuer": iss, "jwks_uri": jwks, "response_types_supported": []string{"id_token"}})
		case "/oidc/keys":
			if is.keys != "" {
				_, _ = w.Write([]byte(is.keys))
				return
			}
			_, _ = w.Write(set)
		default:
			http.Error(w, "<html>\nnot here\n</html>", http.StatusNotFound)
		}
	}))
	is.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes refused on purpose
	is.StartTLS()
	t.Cleanup(is.Close)
	return is
}

func (is *issuerServer) issuer() string { return is.URL + "/oidc" }

func (is *issuerServer) caPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: is.Certificate().Raw})
}

func (is *issuerServer) caBase64() string { return base64.StdEncoding.EncodeToString(is.caPEM()) }

// otherCA is a CA that signed none of the test servers' certificates
// (httptest servers all share one).
func otherCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "not-the-issuer's"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func problem(err error) string {
	var ie *IssuerError
	if errors.As(err, &ie) {
		return ie.Problem
	}
	return ""
}

func TestProbeIssuer(t *testing.T) {
	ctx := context.Background()
	good := newIssuer(t, &issuerServer{})
	mismatch := newIssuer(t, &issuerServer{names: "https://elsewhere.example.com/oidc"})
	httpKeys := newIssuer(t, &issuerServer{jwksURI: "http://127.0.0.1/keys"})
	noKeys := newIssuer(t, &issuerServer{keys: `{"keys":[]}`})
	for _, tc := range []struct {
		name, issuer string
		ca           []byte
		want         string // the problem; "" is a usable issuer
	}{
		{"usable", good.issuer(), good.caPEM(), ""},
		{"trailing slash is another issuer", good.issuer() + "/", good.caPEM(), ProblemMismatch},
		{"unreachable", "https://" + closedPort(t) + "/oidc", good.caPEM(), ProblemUnreachable},
		{"another CA", good.issuer(), otherCA(t), ProblemCA},
		{"system roots", good.issuer(), nil, ProblemCA},
		{"not a CA", good.issuer(), []byte("not pem"), ProblemBadCA},
		{"names another issuer", mismatch.issuer(), mismatch.caPEM(), ProblemMismatch},
		{"no discovery document", good.URL + "/nope", good.caPEM(), ProblemDiscovery},
		{"jwks_uri not https", httpKeys.issuer(), httpKeys.caPEM(), ProblemJWKS},
		{"no keys", noKeys.issuer(), noKeys.caPEM(), ProblemJWKS},
		{"http", "http://127.0.0.1/oidc", nil, ProblemURL},
		{"well-known path", good.issuer() + "/.well-known/openid-configuration", nil, ProblemURL},
		{"query", good.issuer() + "?a=b", nil, ProblemURL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ProbeIssuer(ctx, tc.issuer, tc.ca)
			if got := problem(err); got != tc.want || (tc.want == "") != (err == nil) {
				t.Fatalf("problem %q, want %q: %v", got, tc.want, err)
			}
		})
	}
}

func base64CA(t *testing.T) string { return base64.StdEncoding.EncodeToString(otherCA(t)) }

// fakeCluster serves the Pinniped kinds pinniped.Status lists, with objs.
func fakeCluster(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	lists := map[schema.GroupVersionResource]string{}
	for _, k := range []struct{ group, resource, list string }{
		{"authentication.concierge", "jwtauthenticators", "JWTAuthenticatorList"},
		{"authentication.concierge", "webhookauthenticators", "WebhookAuthenticatorList"},
		{"config.concierge", "credentialissuers", "CredentialIssuerList"},
		{"config.supervisor", "federationdomains", "FederationDomainList"},
		{"idp.supervisor", "oidcidentityproviders", "OIDCIdentityProviderList"},
		{"idp.supervisor", "ldapidentityproviders", "LDAPIdentityProviderList"},
		{"idp.supervisor", "activedirectoryidentityproviders", "ActiveDirectoryIdentityProviderList"},
		{"idp.supervisor", "githubidentityproviders", "GitHubIdentityProviderList"},
	} {
		lists[schema.GroupVersionResource{Group: pinniped.Group(k.group, ""), Version: "v1alpha1", Resource: k.resource}] = k.list
	}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists, objs...)
}

// jwtAuthenticator is a JWTAuthenticator no Concierge has processed (no status).
func jwtAuthenticator(name, issuer, caBase64 string) *unstructured.Unstructured {
	spec := map[string]any{"issuer": issuer, "audience": "tko"}
	if caBase64 != "" {
		spec["tls"] = map[string]any{"certificateAuthorityData": caBase64}
	}
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": pinniped.Group("authentication.concierge", "") + "/v1alpha1",
		"kind": "JWTAuthenticator", "metadata": map[string]any{"name": name}, "spec": spec}}
}

// TestStatusProbesAuthenticatorIssuers: pinniped.Status with this probe
// names each authenticator whose issuer logins cannot use, and why.
func TestStatusProbesAuthenticatorIssuers(t *testing.T) {
	good := newIssuer(t, &issuerServer{})
	mismatch := newIssuer(t, &issuerServer{names: "https://elsewhere.example.com/oidc"})
	unreachable := "https://" + closedPort(t) + "/x"
	dyn := fakeCluster(
		jwtAuthenticator("healthy", good.issuer(), good.caBase64()),
		jwtAuthenticator("unreachable", unreachable, ""),
		jwtAuthenticator("wrong-ca", good.issuer(), base64CA(t)),
		jwtAuthenticator("other-issuer", mismatch.issuer(), mismatch.caBase64()),
		jwtAuthenticator("trailing-slash", good.issuer()+"/", good.caBase64()),
		jwtAuthenticator("html-404", good.URL+"/nope", good.caBase64()),
	)
	fs, err := pinniped.Status(context.Background(), dyn, "", &pinniped.Info{Issuer: good.issuer(), CABundle: good.caBase64()}, ProbeIssuer, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]pinniped.Finding{}
	for _, f := range fs {
		got[f.Object] = f
	}
	for object, want := range map[string]struct {
		severity   string
		cause, fix string
	}{
		"JWTAuthenticator/healthy": {"warning", "phase unknown (no status yet)", ""},
		"JWTAuthenticator/unreachable": {"error", "issuer " + unreachable + " unreachable: dial tcp " + strings.TrimPrefix(strings.TrimSuffix(unreachable, "/x"), "https://") +
			": connect: connection refused; Concierge: phase unknown (no status yet)", "spec.issuer is right"},
		"JWTAuthenticator/wrong-ca":           {"error", "TLS verification of issuer " + good.issuer() + " failed: x509: certificate signed by unknown authority", "is not the CA"},
		"JWTAuthenticator/other-issuer":       {"error", "the discovery document of " + mismatch.issuer() + " names another issuer, https://elsewhere.example.com/oidc", "spec.issuer must be exactly"},
		"JWTAuthenticator/trailing-slash":     {"error", "names another issuer, " + good.issuer() + ";", "(" + good.issuer() + ")"},
		"JWTAuthenticator/html-404":           {"error", "has no usable discovery document: 404 Not Found: <html>;", "must be the issuer URL itself"},
		"ConfigMap/kube-public/pinniped-info": {"ok", "issuer " + good.issuer() + " reachable, its discovery document and keys verified", ""},
	} {
		f := got[object]
		if f.Severity != want.severity || !strings.Contains(f.Cause, want.cause) || !strings.Contains(f.Fix, want.fix) {
			t.Errorf("%s: %+v\nwant %s, cause with %q, fix with %q", object, f, want.severity, want.cause, want.fix)
		}
		if strings.Contains(f.Cause, "\n") {
			t.Errorf("%s: the cause spans lines: %q", object, f.Cause)
		}
	}
}
