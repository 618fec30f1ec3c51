// Package pinniped holds the wire formats of Pinniped's Concierge and
// Supervisor that a login client speaks: the Concierge's
// TokenCredentialRequest (login.concierge.pinniped.dev/v1alpha1, its group
// renamed by an API group suffix) and the Supervisor's RFC 8693 token
// exchange to a cluster audience, as Pinniped documents them.
//
// Pinniped's servers cannot be built in this project's environment
// (go.pinniped.dev is not served by the Go module proxy), so these shapes
// are tested against recorded requests and responses rather than a running
// Concierge or Supervisor.
package pinniped

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultAPIGroupSuffix is the suffix of every Pinniped API group unless the
// Concierge was installed with another one.
const DefaultAPIGroupSuffix = "pinniped.dev"

// Group renames a Pinniped API group for a suffix: Group("login.concierge",
// "tanzu.vmware.com") is "login.concierge.tanzu.vmware.com".
func Group(prefix, suffix string) string {
	if suffix == "" {
		suffix = DefaultAPIGroupSuffix
	}
	return prefix + "." + suffix
}

// Authenticator names the Concierge authenticator that validates the token.
type Authenticator struct {
	Type string // "jwt" or "webhook", as in --concierge-authenticator-type
	Name string
}

// Kind is the authenticator's kind.
func (a Authenticator) Kind() (string, error) {
	switch strings.ToLower(a.Type) {
	case "jwt":
		return "JWTAuthenticator", nil
	case "webhook":
		return "WebhookAuthenticator", nil
	}
	return "", fmt.Errorf("authenticator type %q is neither jwt nor webhook", a.Type)
}

// TokenCredentialRequest is the Concierge's login API object.
type TokenCredentialRequest struct {
	APIVersion string                       `json:"apiVersion"`
	Kind       string                       `json:"kind"`
	Metadata   map[string]any               `json:"metadata"`
	Spec       TokenCredentialRequestSpec   `json:"spec"`
	Status     TokenCredentialRequestStatus `json:"status"`
}

// TokenCredentialRequestSpec holds the token and the authenticator.
type TokenCredentialRequestSpec struct {
	Token         string           `json:"token,omitempty"`
	Authenticator TypedLocalObjRef `json:"authenticator"`
}

// TypedLocalObjRef is corev1.TypedLocalObjectReference.
type TypedLocalObjRef struct {
	APIGroup *string `json:"apiGroup"`
	Kind     string  `json:"kind"`
	Name     string  `json:"name"`
}

// TokenCredentialRequestStatus is the Concierge's answer: a credential or a message.
type TokenCredentialRequestStatus struct {
	Credential *ClusterCredential `json:"credential,omitempty"`
	Message    *string            `json:"message,omitempty"`
}

// ClusterCredential is what the cluster accepts: a client certificate
// (from the Concierge's KubeClusterSigningCertificate strategy) or a token.
type ClusterCredential struct {
	ExpirationTimestamp   time.Time `json:"expirationTimestamp"`
	Token                 string    `json:"token,omitempty"`
	ClientCertificateData string    `json:"clientCertificateData,omitempty"`
	ClientKeyData         string    `json:"clientKeyData,omitempty"`
}

// NewTokenCredentialRequest builds the request body for a token.
func NewTokenCredentialRequest(suffix string, auth Authenticator, token string) (*TokenCredentialRequest, error) {
	kind, err := auth.Kind()
	if err != nil {
		return nil, err
	}
	authGroup := Group("authentication.concierge", suffix)
	return &TokenCredentialRequest{
		APIVersion: Group("login.concierge", suffix) + "/v1alpha1",
		Kind:       "TokenCredentialRequest",
		Metadata:   map[string]any{"creationTimestamp": nil},
		Spec: TokenCredentialRequestSpec{
			Token:         token,
			Authenticator: TypedLocalObjRef{APIGroup: &authGroup, Kind: kind, Name: auth.Name},
		},
	}, nil
}

// TokenCredentialRequestPath is the cluster-scoped collection the request is
// posted to (the Concierge serves it cluster-scoped since v0.10).
func TokenCredentialRequestPath(suffix string) string {
	return "/apis/" + Group("login.concierge", suffix) + "/v1alpha1/tokencredentialrequests"
}

// RejectedError is a TokenCredentialRequest the Concierge answered without
// a credential; Message is its status message ("authentication failed").
type RejectedError struct {
	Endpoint string
	Message  string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("the Concierge at %s refused the token: %s", e.Endpoint, e.Message)
}

// ExchangeToken posts a TokenCredentialRequest to the Concierge (the API
// server itself or its impersonation proxy) and returns the credential.
// The request is anonymous: the token is in the body.
func ExchangeToken(ctx context.Context, client *http.Client, endpoint, suffix string, auth Authenticator, token string) (*ClusterCredential, error) {
	req, err := NewTokenCredentialRequest(suffix, auth, token)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	u := strings.TrimSuffix(endpoint, "/") + TokenCredentialRequestPath(suffix)
	httpReq, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("Accept", "application/json")
	resp, err := client.Do(httpReq)
	if err != nil {
		return nil, fmt.Errorf("posting a TokenCredentialRequest to %s: %w", endpoint, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the TokenCredentialRequest answer of %s: %w", endpoint, err)
	}
	return ParseTokenCredentialResponse(endpoint, resp.StatusCode, raw)
}

// ParseTokenCredentialResponse reads the Concierge's answer.
func ParseTokenCredentialResponse(endpoint string, status int, raw []byte) (*ClusterCredential, error) {
	if status == http.StatusNotFound {
		return nil, &RejectedError{Endpoint: endpoint, Message: "this cluster does not serve the TokenCredentialRequest API (is the Pinniped Concierge installed, and is --concierge-api-group-suffix right?)"}
	}
	var out TokenCredentialRequest
	if err := json.Unmarshal(raw, &out); err != nil || out.Kind != "TokenCredentialRequest" {
		var st struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &st) == nil && st.Message != "" {
			return nil, &RejectedError{Endpoint: endpoint, Message: fmt.Sprintf("%s (HTTP %d)", st.Message, status)}
		}
		return nil, &RejectedError{Endpoint: endpoint, Message: fmt.Sprintf("unexpected answer (HTTP %d)", status)}
	}
	if out.Status.Credential == nil {
		msg := "no credential and no message"
		if out.Status.Message != nil {
			msg = *out.Status.Message
		}
		return nil, &RejectedError{Endpoint: endpoint, Message: msg}
	}
	return out.Status.Credential, nil
}

// The RFC 8693 token types and grant the Supervisor uses.
const (
	GrantTypeTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	TokenTypeAccessToken   = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeJWT           = "urn:ietf:params:oauth:token-type:jwt"
)

// TokenExchangeForm is the Supervisor's token-exchange request: the
// Supervisor access token in, an ID token for the cluster audience out.
func TokenExchangeForm(clientID, accessToken, audience string) url.Values {
	return url.Values{
		"grant_type":           {GrantTypeTokenExchange},
		"client_id":            {clientID},
		"subject_token":        {accessToken},
		"subject_token_type":   {TokenTypeAccessToken},
		"requested_token_type": {TokenTypeJWT},
		"audience":             {audience},
	}
}

// TokenExchangeResponse is the Supervisor's answer: the cluster-scoped ID
// token is in access_token (RFC 8693 section 2.2.1).
type TokenExchangeResponse struct {
	AccessToken     string `json:"access_token"`
	IssuedTokenType string `json:"issued_token_type"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in,omitempty"`
	// An OAuth2 error answer.
	Error            string `json:"error,omitempty"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// ExchangeError is a token exchange the provider refused.
type ExchangeError struct {
	Audience    string
	Code        string
	Description string
}

func (e *ExchangeError) Error() string {
	msg := fmt.Sprintf("the token exchange for audience %q was refused: %s", e.Audience, e.Code)
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg
}

// ParseTokenExchangeResponse reads the answer and returns the issued JWT.
func ParseTokenExchangeResponse(audience string, status int, raw []byte) (string, error) {
	var out TokenExchangeResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", &ExchangeError{Audience: audience, Code: fmt.Sprintf("HTTP %d", status), Description: "the answer is not JSON"}
	}
	if out.Error != "" || status/100 != 2 {
		code := out.Error
		if code == "" {
			code = fmt.Sprintf("HTTP %d", status)
		}
		return "", &ExchangeError{Audience: audience, Code: code, Description: out.ErrorDescription}
	}
	if out.IssuedTokenType != TokenTypeJWT || out.AccessToken == "" {
		return "", &ExchangeError{Audience: audience, Code: "unexpected answer", Description: fmt.Sprintf("issued_token_type %q", out.IssuedTokenType)}
	}
	return out.AccessToken, nil
}

// ExchangeForAudience performs the Supervisor token exchange.
func ExchangeForAudience(ctx context.Context, client *http.Client, tokenURL, clientID, accessToken, audience string) (string, error) {
	form := TokenExchangeForm(clientID, accessToken, audience)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("token exchange at %s: %w", tokenURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the token exchange answer of %s: %w", tokenURL, err)
	}
	return ParseTokenExchangeResponse(audience, resp.StatusCode, raw)
}
