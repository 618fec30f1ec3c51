package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
)

// ProbeIssuer checks an issuer as the Pinniped Concierge checks a
// JWTAuthenticator's: the URL, the discovery document at
// <issuer>/.well-known/openid-configuration (whose issuer must be this one),
// its https jwks_uri and a key set with a key there, trusting caPEM (empty:
// the system roots). It returns nil or an *IssuerError; ctx bounds it.
// Only public documents are fetched: no token is sent.
func ProbeIssuer(ctx context.Context, issuer string, caPEM []byte) error {
	if err := checkIssuerURL(issuer); err != nil {
		return &IssuerError{Issuer: issuer, Problem: ProblemURL, Err: err}
	}
	hc, err := httpClient(caPEM)
	if err != nil {
		return &IssuerError{Issuer: issuer, Problem: ProblemBadCA, Err: err}
	}
	p, err := gooidc.NewProvider(gooidc.ClientContext(ctx, hc), issuer)
	if err != nil {
		return classifyIssuerError(issuer, err)
	}
	var doc struct {
		JWKSURI string `json:"jwks_uri"`
	}
	if err := p.Claims(&doc); err != nil {
		return &IssuerError{Issuer: issuer, Problem: ProblemDiscovery, Err: err}
	}
	if u, err := url.Parse(doc.JWKSURI); err != nil || u.Scheme != "https" {
		return &IssuerError{Issuer: issuer, Problem: ProblemJWKS, Err: fmt.Errorf("jwks_uri %q is not an https URL", doc.JWKSURI)}
	}
	if err := fetchKeys(ctx, hc, doc.JWKSURI); err != nil {
		return &IssuerError{Issuer: issuer, Problem: ProblemJWKS, Err: err}
	}
	return nil
}

// checkIssuerURL refuses what the Concierge refuses in spec.issuer.
func checkIssuerURL(issuer string) error {
	u, err := url.Parse(issuer)
	switch {
	case err != nil:
		return err
	case u.Scheme != "https":
		return errors.New("not an https URL")
	case strings.HasSuffix(u.Path, "/.well-known/openid-configuration"):
		return errors.New("it must not include /.well-known/openid-configuration")
	case u.RawQuery != "" || u.Fragment != "":
		return errors.New("it must have no query or fragment")
	}
	return nil
}

// fetchKeys reads a JWKS and wants at least one key in it.
func fetchKeys(ctx context.Context, hc *http.Client, jwksURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, jwksURL, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("fetching the key set: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading the key set at %s: %w", jwksURL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the key set at %s: %s", jwksURL, resp.Status)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		return fmt.Errorf("the key set at %s: %w", jwksURL, err)
	}
	if len(set.Keys) == 0 {
		return fmt.Errorf("the key set at %s has no keys", jwksURL)
	}
	return nil
}
