// Package oidc logs a user in to an OpenID Connect provider (a Pinniped
// Supervisor, or a plain provider such as Dex) and turns the result into the
// credential a Kubernetes client presents: the flows (authorization code
// with PKCE and a localhost callback, the OAuth2 password grant, the
// Supervisor's CLI password flow, refresh, RFC 8693 token exchange), the
// session and credential caches, and the client-go ExecCredential.
//
// It has no command-line code: prompts, browsers and notices come in
// through Interaction, errors are typed and worded by the command layer.
// Tokens, refresh tokens and passwords never appear in an error or notice.
package oidc

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pinniped"
)

// The flows of --upstream-identity-provider-flow.
const (
	FlowBrowser  = "browser_authcode"
	FlowPassword = "cli_password"
)

// Config is one login: which provider, which client, for which cluster.
type Config struct {
	Issuer          string
	ClientID        string
	Scopes          []string
	CABundle        []byte // PEM; empty means the system roots
	RequestAudience string // RFC 8693 exchange to this audience (Pinniped Supervisor)

	UpstreamName string // the Supervisor's upstream identity provider
	UpstreamType string // oidc, ldap, activedirectory, github
	UpstreamFlow string // FlowBrowser or FlowPassword

	SkipBrowser     bool
	ListenPort      int
	CallbackTimeout time.Duration

	// Concierge, when Enabled, trades the token for a cluster credential.
	Concierge Concierge
}

// Concierge are the --concierge-* settings.
type Concierge struct {
	Enabled        bool
	APIGroupSuffix string
	Authenticator  pinniped.Authenticator
	Endpoint       string
	CABundle       []byte // PEM
}

// SessionKey names the session cache entry: issuer, client, scopes,
// audience and upstream provider.
func (c *Config) SessionKey() string {
	return Key("session", c.Issuer, c.ClientID, joinScopes(c.Scopes), c.RequestAudience, c.UpstreamName, c.UpstreamType)
}

// CredentialKey names the credential cache entry: the session's parts,
// the Concierge settings and the cluster kubectl is talking to, so two
// clusters never share a credential.
func (c *Config) CredentialKey(cluster *ClusterInfo) string {
	server, ca := "", ""
	if cluster != nil {
		server, ca = cluster.Server, cluster.CertificateAuthorityData
	}
	cc := c.Concierge
	return Key("credential", c.SessionKey(), fmt.Sprint(cc.Enabled), cc.APIGroupSuffix, cc.Authenticator.Type, cc.Authenticator.Name, cc.Endpoint, server, ca)
}

// Interaction is how a flow reaches the user.
type Interaction struct {
	// Credentials returns a username and password for the password flows
	// (from the environment or a prompt on the terminal).
	Credentials func(ctx context.Context) (username, password string, err error)
	// OpenBrowser opens the login page; nil or an error: the URL is printed.
	OpenBrowser func(url string) error
	// Notify receives lines for the user (the login URL); never a token.
	Notify io.Writer
}

// Margin is how long before its expiry a token is treated as expired, so
// that kubectl never presents one that lapses in flight.
const Margin = 30 * time.Second

// Client runs logins for one Config.
type Client struct {
	Config      Config
	Store       *Store
	Interaction Interaction
	HTTP        *http.Client
	Now         func() time.Time

	provider *gooidc.Provider
}

// NewClient returns a client whose HTTP requests trust cfg.CABundle.
func NewClient(cfg Config, store *Store, in Interaction) (*Client, error) {
	hc, err := httpClient(cfg.CABundle)
	if err != nil {
		return nil, &IssuerError{Issuer: cfg.Issuer, Problem: ProblemBadCA, Err: err}
	}
	return &Client{Config: cfg, Store: store, Interaction: in, HTTP: hc, Now: time.Now}, nil
}

func httpClient(pem []byte) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if len(pem) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("the CA bundle holds no PEM certificate")
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}, nil
}

// DecodeCABundle accepts a base64-encoded PEM bundle (as kubeconfigs carry
// it) or the PEM itself.
func DecodeCABundle(s string) ([]byte, error) { return pinniped.DecodeCABundle(s) }

// Credential returns the cluster credential for kubectl: from the
// credential cache when still valid (no network at all), else from the
// session (refreshing it, or logging in again once), through the token
// exchange and the Concierge when configured; both caches are updated.
func (c *Client) Credential(ctx context.Context, cluster *ClusterInfo) (*Credential, error) {
	credKey := c.Config.CredentialKey(cluster)
	if cred, err := c.Store.Credential(credKey); err == nil && cred != nil && Valid(cred.Expiry, c.Now(), Margin) {
		return cred, nil
	} else if err != nil {
		return nil, err
	}
	token, expiry, err := c.ClusterToken(ctx)
	if err != nil {
		return nil, err
	}
	cred := &Credential{Token: token, Expiry: expiry}
	if c.Config.Concierge.Enabled {
		if cred, err = c.concierge(ctx, token); err != nil {
			return nil, err
		}
	}
	cred.Session = c.Config.SessionKey()
	if err := c.Store.PutCredential(credKey, cred); err != nil {
		return nil, err
	}
	return cred, nil
}

// CachedCredential is the fast path alone: the cached credential when
// still valid, else nil. It reads one file and touches no network.
func CachedCredential(store *Store, cfg *Config, cluster *ClusterInfo, now time.Time) (*Credential, error) {
	cred, err := store.Credential(cfg.CredentialKey(cluster))
	if err != nil || cred == nil || !Valid(cred.Expiry, now, Margin) {
		return nil, err
	}
	return cred, nil
}

func (c *Client) concierge(ctx context.Context, token string) (*Credential, error) {
	cc := c.Config.Concierge
	hc, err := httpClient(cc.CABundle)
	if err != nil {
		return nil, &ConciergeError{Endpoint: cc.Endpoint, Err: err}
	}
	out, err := pinniped.ExchangeToken(ctx, hc, cc.Endpoint, cc.APIGroupSuffix, cc.Authenticator, token)
	if err != nil {
		return nil, &ConciergeError{Endpoint: cc.Endpoint, Err: err}
	}
	return &Credential{Token: out.Token, ClientCertificateData: out.ClientCertificateData, ClientKeyData: out.ClientKeyData, Expiry: out.ExpirationTimestamp}, nil
}

// ClusterToken returns the token for the cluster: the ID token, or with
// a request audience the token exchanged for it.
func (c *Client) ClusterToken(ctx context.Context) (string, time.Time, error) {
	key := c.Config.SessionKey()
	sess, err := c.Store.Session(key)
	if err != nil {
		return "", time.Time{}, err
	}
	now := c.Now()
	if sess != nil && c.Config.RequestAudience != "" && Valid(sess.ClusterTokenExpiry, now, Margin) {
		return sess.ClusterToken, sess.ClusterTokenExpiry, nil
	}
	if sess == nil || !Valid(sess.IDTokenExpiry, now, Margin) {
		sess, err = c.renew(ctx, sess)
		if err != nil {
			return "", time.Time{}, err
		}
	}
	if c.Config.RequestAudience != "" && !Valid(sess.ClusterTokenExpiry, now, Margin) {
		if err := c.exchange(ctx, sess); err != nil {
			return "", time.Time{}, err
		}
	}
	if err := c.Store.PutSession(key, sess); err != nil {
		return "", time.Time{}, err
	}
	if c.Config.RequestAudience != "" {
		return sess.ClusterToken, sess.ClusterTokenExpiry, nil
	}
	return sess.IDToken, sess.IDTokenExpiry, nil
}

// renew refreshes the session when it has a refresh token, and logs in
// again (once) when there is none or the refresh is refused.
func (c *Client) renew(ctx context.Context, sess *Session) (*Session, error) {
	if sess != nil && sess.RefreshToken != "" {
		fresh, err := c.refresh(ctx, sess.RefreshToken)
		if err == nil {
			return fresh, nil
		}
		var issuerErr *IssuerError
		if errors.As(err, &issuerErr) {
			return nil, err // the provider is unreachable: a login would fail the same way
		}
		// Expired or revoked: forget it, log in once.
		_ = c.Store.PutSession(c.Config.SessionKey(), nil)
	}
	return c.Login(ctx)
}

// Provider discovers the issuer (once per client).
func (c *Client) Provider(ctx context.Context) (*gooidc.Provider, error) {
	if c.provider != nil {
		return c.provider, nil
	}
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, c.HTTP), c.Config.Issuer)
	if err != nil {
		return nil, classifyIssuerError(c.Config.Issuer, err)
	}
	if p.Endpoint().TokenURL == "" {
		return nil, &IssuerError{Issuer: c.Config.Issuer, Problem: ProblemDiscovery, Err: errors.New("the discovery document has no token_endpoint")}
	}
	c.provider = p
	return p, nil
}

func (c *Client) oauth2Config(p *gooidc.Provider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: c.Config.ClientID, Endpoint: p.Endpoint(), Scopes: c.Config.Scopes, RedirectURL: redirect}
}

// Login runs a fresh login with the configured flow.
func (c *Client) Login(ctx context.Context) (*Session, error) {
	p, err := c.Provider(ctx)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.HTTP)
	var tok *oauth2.Token
	switch {
	case c.Config.UpstreamFlow == FlowPassword && c.Config.UpstreamName != "":
		tok, err = c.supervisorPasswordLogin(ctx, p)
	case c.Config.UpstreamFlow == FlowPassword:
		tok, err = c.passwordLogin(ctx, p)
	default:
		tok, err = c.browserLogin(ctx, p)
	}
	if err != nil {
		return nil, err
	}
	return c.session(ctx, p, tok)
}

func (c *Client) passwordLogin(ctx context.Context, p *gooidc.Provider) (*oauth2.Token, error) {
	user, pass, err := c.credentials(ctx)
	if err != nil {
		return nil, err
	}
	tok, err := c.oauth2Config(p, "").PasswordCredentialsToken(ctx, user, pass)
	if err != nil {
		return nil, tokenError(c.Config.Issuer, "password grant", err)
	}
	return tok, nil
}

func (c *Client) credentials(ctx context.Context) (string, string, error) {
	if c.Interaction.Credentials == nil {
		return "", "", &LoginError{Issuer: c.Config.Issuer, Code: "no_credentials", Description: "no username and password were given"}
	}
	return c.Interaction.Credentials(ctx)
}

func (c *Client) refresh(ctx context.Context, refreshToken string) (*Session, error) {
	p, err := c.Provider(ctx)
	if err != nil {
		return nil, err
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.HTTP)
	tok, err := c.oauth2Config(p, "").TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)}).Token()
	if err != nil {
		return nil, tokenError(c.Config.Issuer, "refresh", err)
	}
	if tok.RefreshToken == "" {
		tok.RefreshToken = refreshToken
	}
	return c.session(ctx, p, tok)
}

// session verifies the ID token of a token response and keeps it.
func (c *Client) session(ctx context.Context, p *gooidc.Provider, tok *oauth2.Token) (*Session, error) {
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, &LoginError{Issuer: c.Config.Issuer, Code: "no_id_token", Description: "the token response has no id_token (is the openid scope requested?)"}
	}
	idt, err := p.Verifier(&gooidc.Config{ClientID: c.Config.ClientID}).Verify(gooidc.ClientContext(ctx, c.HTTP), raw)
	if err != nil {
		return nil, &LoginError{Issuer: c.Config.Issuer, Code: "invalid_id_token", Description: err.Error()}
	}
	return &Session{IDToken: raw, IDTokenExpiry: idt.Expiry, AccessToken: tok.AccessToken, AccessTokenExpiry: tok.Expiry,
		RefreshToken: tok.RefreshToken, Issuer: c.Config.Issuer, Updated: c.Now()}, nil
}

// exchange trades the access token for a token of the cluster audience.
func (c *Client) exchange(ctx context.Context, sess *Session) error {
	p, err := c.Provider(ctx)
	if err != nil {
		return err
	}
	if sess.AccessToken == "" {
		return &LoginError{Issuer: c.Config.Issuer, Code: "no_access_token", Description: "the session has no access token to exchange"}
	}
	raw, err := pinniped.ExchangeForAudience(ctx, c.HTTP, p.Endpoint().TokenURL, c.Config.ClientID, sess.AccessToken, c.Config.RequestAudience)
	if err != nil {
		var ex *pinniped.ExchangeError
		if errors.As(err, &ex) {
			return &LoginError{Issuer: c.Config.Issuer, Code: ex.Code, Description: "token exchange for audience " + c.Config.RequestAudience + ": " + ex.Description}
		}
		return classifyIssuerError(c.Config.Issuer, err)
	}
	idt, err := p.Verifier(&gooidc.Config{ClientID: c.Config.RequestAudience}).Verify(gooidc.ClientContext(ctx, c.HTTP), raw)
	if err != nil {
		return &LoginError{Issuer: c.Config.Issuer, Code: "invalid_exchanged_token", Description: err.Error()}
	}
	sess.ClusterToken, sess.ClusterTokenExpiry = raw, idt.Expiry
	return nil
}

// SupervisorDiscovery is the Pinniped Supervisor's extension of the OIDC
// discovery document; its presence says the issuer is a Supervisor.
type SupervisorDiscovery struct {
	Supervisor *struct {
		IdentityProvidersEndpoint string `json:"pinniped_identity_providers_endpoint"`
	} `json:"discovery.supervisor.pinniped.dev/v1alpha1"`
	GrantTypes []string `json:"grant_types_supported"`
}

// Discovery reads the issuer's discovery document extras.
func (c *Client) Discovery(ctx context.Context) (*SupervisorDiscovery, error) {
	p, err := c.Provider(ctx)
	if err != nil {
		return nil, err
	}
	var d SupervisorDiscovery
	if err := p.Claims(&d); err != nil {
		return nil, &IssuerError{Issuer: c.Config.Issuer, Problem: ProblemDiscovery, Err: err}
	}
	return &d, nil
}

// tokenError turns an OAuth2 error answer into a LoginError and a
// transport failure into an IssuerError. RetrieveError's own message
// carries the response body, so only its code and description are kept.
func tokenError(issuer, op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code, desc := re.ErrorCode, re.ErrorDescription
		if code == "" && re.Response != nil {
			code = fmt.Sprintf("HTTP %d", re.Response.StatusCode)
		}
		if desc == "" {
			desc = oauthErrorDescription(re.Body)
		}
		return &LoginError{Issuer: issuer, Op: op, Code: code, Description: desc}
	}
	return classifyIssuerError(issuer, err)
}

func oauthErrorDescription(body []byte) string {
	var v struct {
		Description string `json:"error_description"`
	}
	_ = json.Unmarshal(body, &v)
	return v.Description
}

// classifyIssuerError says why the issuer could not be used.
func classifyIssuerError(issuer string, err error) error {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		verify    *tls.CertificateVerificationError
		urlErr    *url.Error
		mismatch  *gooidc.IssuerMismatchError
	)
	switch {
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &verify):
		return &IssuerError{Issuer: issuer, Problem: ProblemCA, Err: err}
	case errors.As(err, &mismatch):
		return &IssuerError{Issuer: issuer, Problem: ProblemMismatch, Err: err, Named: mismatch.Discovered}
	case errors.As(err, &urlErr):
		return &IssuerError{Issuer: issuer, Problem: ProblemUnreachable, Err: urlErr.Err}
	}
	return &IssuerError{Issuer: issuer, Problem: ProblemDiscovery, Err: err}
}

// The problems of IssuerError.
const (
	ProblemUnreachable = pinniped.ProblemUnreachable
	ProblemCA          = pinniped.ProblemCA
	ProblemBadCA       = pinniped.ProblemBadCA
	ProblemDiscovery   = pinniped.ProblemDiscovery
	ProblemMismatch    = pinniped.ProblemMismatch
	ProblemJWKS        = pinniped.ProblemJWKS
	ProblemURL         = pinniped.ProblemURL
)

// IssuerError is an issuer that cannot be used: unreachable, not trusted
// with the CA given, or without a usable discovery document.
type IssuerError = pinniped.IssuerError

// LoginError is a login the provider refused (a wrong password, an
// expired refresh token, a refused exchange): Code and Description are the
// OAuth2 error fields, never a token.
type LoginError struct {
	Issuer      string
	Op          string
	Code        string
	Description string
}

func (e *LoginError) Error() string {
	msg := fmt.Sprintf("login at %s refused: %s", e.Issuer, e.Code)
	if e.Op != "" {
		msg = fmt.Sprintf("%s at %s refused: %s", e.Op, e.Issuer, e.Code)
	}
	if e.Description != "" {
		msg += " (" + e.Description + ")"
	}
	return msg
}
func (e *LoginError) Class() errs.Class { return errs.ClassUnreachable }

// ConciergeError is a TokenCredentialRequest that failed.
type ConciergeError struct {
	Endpoint string
	Err      error
}

func (e *ConciergeError) Error() string     { return e.Err.Error() }
func (e *ConciergeError) Unwrap() error     { return e.Err }
func (e *ConciergeError) Class() errs.Class { return errs.ClassUnreachable }

// CallbackTimeoutError is a browser login whose callback never came.
type CallbackTimeoutError struct {
	Timeout time.Duration
}

func (e *CallbackTimeoutError) Error() string {
	return fmt.Sprintf("no login callback within %s", e.Timeout)
}
