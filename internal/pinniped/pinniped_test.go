package pinniped

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// The request body `pinniped login oidc --enable-concierge` posts, as
// Pinniped's client (pkg/conciergeclient) serializes it.
const recordedRequest = `{"apiVersion":"login.concierge.tanzu.vmware.com/v1alpha1","kind":"TokenCredentialRequest","metadata":{"creationTimestamp":null},"spec":{"token":"ID-TOKEN","authenticator":{"apiGroup":"authentication.concierge.tanzu.vmware.com","kind":"JWTAuthenticator","name":"tkg-jwt-authenticator"}},"status":{}}`

// A successful answer of the Concierge's KubeClusterSigningCertificate strategy.
const recordedSuccess = `{"kind":"TokenCredentialRequest","apiVersion":"login.concierge.pinniped.dev/v1alpha1","metadata":{"creationTimestamp":null},"spec":{"authenticator":{"apiGroup":null,"kind":"","name":""}},"status":{"credential":{"expirationTimestamp":"2026-11-26T11:00:00Z","clientCertificateData":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n"}}}`

// The answer to a token the authenticator rejects: Pinniped hides the cause.
const recordedFailure = `{"kind":"TokenCredentialRequest","apiVersion":"login.concierge.pinniped.dev/v1alpha1","metadata":{"creationTimestamp":null},"spec":{"authenticator":{"apiGroup":null,"kind":"","name":""}},"status":{"message":"authentication failed"}}`

func TestTokenCredentialRequestShape(t *testing.T) {
	req, err := NewTokenCredentialRequest("tanzu.vmware.com", Authenticator{Type: "jwt", Name: "tkg-jwt-authenticator"}, "ID-TOKEN")
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	raw, _ := json.Marshal(req)
	_ = json.Unmarshal(raw, &got)
	_ = json.Unmarshal([]byte(recordedRequest), &want)
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("request\n got %s\nwant %s", g, w)
	}
	if p := TokenCredentialRequestPath(""); p != "/apis/login.concierge.pinniped.dev/v1alpha1/tokencredentialrequests" {
		t.Fatalf("path %s", p)
	}
	if _, err := NewTokenCredentialRequest("", Authenticator{Type: "saml"}, "x"); err == nil {
		t.Fatal("an unknown authenticator type must be refused")
	}
}

func TestTokenCredentialResponses(t *testing.T) {
	cred, err := ParseTokenCredentialResponse("https://c", 201, []byte(recordedSuccess))
	if err != nil || cred.ClientCertificateData == "" || cred.ClientKeyData == "" || cred.ExpirationTimestamp.IsZero() {
		t.Fatalf("success: %+v %v", cred, err)
	}
	var rejected *RejectedError
	if _, err := ParseTokenCredentialResponse("https://c", 201, []byte(recordedFailure)); !errors.As(err, &rejected) || rejected.Message != "authentication failed" {
		t.Fatalf("failure: %v", err)
	}
	if _, err := ParseTokenCredentialResponse("https://c", 404, []byte(`{"kind":"Status"}`)); !errors.As(err, &rejected) {
		t.Fatalf("not served: %v", err)
	}
	forbidden := `{"kind":"Status","apiVersion":"v1","status":"Failure","message":"tokencredentialrequests.login.concierge.pinniped.dev is forbidden: User \"system:anonymous\" cannot create resource","reason":"Forbidden","code":403}`
	if _, err := ParseTokenCredentialResponse("https://c", 403, []byte(forbidden)); !errors.As(err, &rejected) || rejected.Message == "" {
		t.Fatalf("forbidden: %v", err)
	}
}

func TestExchangeTokenPostsToTheConcierge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var req TokenCredentialRequest
		if r.URL.Path != TokenCredentialRequestPath("") || json.Unmarshal(body, &req) != nil || req.Spec.Token != "ID-TOKEN" {
			http.Error(w, "bad request", 400)
			return
		}
		w.WriteHeader(201)
		_, _ = w.Write([]byte(recordedSuccess))
	}))
	defer srv.Close()
	cred, err := ExchangeToken(context.Background(), srv.Client(), srv.URL, "", Authenticator{Type: "jwt", Name: "a"}, "ID-TOKEN")
	if err != nil || cred.ClientKeyData == "" {
		t.Fatalf("%+v %v", cred, err)
	}
}

// The Supervisor's token endpoint answers an RFC 8693 exchange like this.
const recordedExchange = `{"access_token":"CLUSTER-ID-TOKEN","issued_token_type":"urn:ietf:params:oauth:token-type:jwt","token_type":"N_A"}`

func TestTokenExchange(t *testing.T) {
	form := TokenExchangeForm("pinniped-cli", "ACCESS", "wc-1")
	want := url.Values{"grant_type": {GrantTypeTokenExchange}, "client_id": {"pinniped-cli"}, "subject_token": {"ACCESS"},
		"subject_token_type": {TokenTypeAccessToken}, "requested_token_type": {TokenTypeJWT}, "audience": {"wc-1"}}
	if form.Encode() != want.Encode() {
		t.Fatalf("form %s", form.Encode())
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		if r.PostForm.Get("audience") != "wc-1" {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"error":"invalid_request","error_description":"missing audience"}`))
			return
		}
		_, _ = w.Write([]byte(recordedExchange))
	}))
	defer srv.Close()
	tok, err := ExchangeForAudience(context.Background(), srv.Client(), srv.URL, "pinniped-cli", "ACCESS", "wc-1")
	if err != nil || tok != "CLUSTER-ID-TOKEN" {
		t.Fatalf("%q %v", tok, err)
	}
	var exErr *ExchangeError
	if _, err := ExchangeForAudience(context.Background(), srv.Client(), srv.URL, "pinniped-cli", "ACCESS", ""); !errors.As(err, &exErr) || exErr.Code != "invalid_request" {
		t.Fatalf("refusal: %v", err)
	}
}
