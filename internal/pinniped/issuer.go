package pinniped

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// The problems of IssuerError: why an issuer cannot be used.
const (
	ProblemURL         = "url"         // not a URL the Concierge accepts
	ProblemBadCA       = "bad-ca"      // the CA bundle holds no certificate
	ProblemUnreachable = "unreachable" // no answer
	ProblemCA          = "ca"          // TLS verification failed
	ProblemDiscovery   = "discovery"   // no usable discovery document
	ProblemMismatch    = "mismatch"    // the document names another issuer
	ProblemJWKS        = "jwks"        // the key set it names cannot be fetched
)

// IssuerError is an issuer that cannot be used: unreachable, not trusted
// with the CA given, or without a usable discovery document or key set.
// It lives here, without an OIDC library, so that the status findings can
// word it while only the auth plugin links the library that probes.
type IssuerError struct {
	Issuer  string
	Problem string
	Err     error
	Named   string // ProblemMismatch: the issuer the discovery document names
}

func (e *IssuerError) Error() string {
	return fmt.Sprintf("issuer %s: %s: %v", e.Issuer, e.Problem, e.Err)
}
func (e *IssuerError) Unwrap() error     { return e.Err }
func (e *IssuerError) Class() errs.Class { return errs.ClassUnreachable }

// DecodeCABundle accepts a base64-encoded PEM bundle (as kubeconfigs and
// Pinniped's objects carry it) or the PEM itself.
func DecodeCABundle(s string) ([]byte, error) {
	if s == "" {
		return nil, nil
	}
	if strings.Contains(s, "-----BEGIN") {
		return []byte(s), nil
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("the CA bundle is neither PEM nor base64-encoded PEM: %w", err)
	}
	return raw, nil
}
