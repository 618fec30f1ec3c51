package pinniped

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// DefaultProbeTimeout bounds one issuer probe when the command sets no
// request timeout.
const DefaultProbeTimeout = 10 * time.Second

// IssuerProbe fetches an issuer's discovery document and the key set it
// names as the Concierge does, trusting caPEM (empty: the system roots),
// and returns nil or an *IssuerError (oidc.ProbeIssuer).
type IssuerProbe func(ctx context.Context, issuer string, caPEM []byte) error

// issuerSource is where an issuer and its CA were read: the fields the
// findings name.
type issuerSource struct {
	issuer      string
	caData      string // base64 PEM, or PEM
	issuerField string // "spec.issuer"
	caField     string // "spec.tls.certificateAuthorityData"
	caElsewhere string // a CA the probe cannot read (certificateAuthorityDataSource)
}

// probeAll probes every source at once, each within timeout.
func probeAll(ctx context.Context, check IssuerProbe, srcs []issuerSource, timeout time.Duration) []error {
	out := make([]error, len(srcs))
	if timeout <= 0 {
		timeout = DefaultProbeTimeout
	}
	var wg sync.WaitGroup
	for i, s := range srcs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = probe(ctx, check, s, timeout)
		}()
	}
	wg.Wait()
	return out
}

func probe(ctx context.Context, check IssuerProbe, s issuerSource, timeout time.Duration) error {
	ca, err := DecodeCABundle(s.caData)
	if err != nil {
		return &IssuerError{Issuer: s.issuer, Problem: ProblemBadCA, Err: err}
	}
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	err = check(pctx, s.issuer, ca)
	var ie *IssuerError
	if errors.As(err, &ie) && errors.Is(pctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
		ie.Err = fmt.Errorf("no answer within %s", timeout)
		if ie.Problem != ProblemJWKS {
			ie.Problem = ProblemUnreachable
		}
	}
	return err
}

// jwtFinding is a JWTAuthenticator's finding: the probe of its issuer,
// which decides, with the Concierge's own status beside it.
func jwtFinding(obj unstructured.Unstructured, fix string, probeErr error, src issuerSource) Finding {
	f := phaseFinding(obj, "JWTAuthenticator", fix)
	if probeErr == nil {
		if f.Severity == SeverityOK {
			f.Cause = "Ready; issuer " + src.issuer + " serves its discovery document and keys"
		} else {
			f.Cause += "; issuer " + src.issuer + " serves its discovery document and keys to this client"
		}
		return f
	}
	cause, fixIt := issuerWords(probeErr, src)
	sev := SeverityError
	var ie *IssuerError
	if src.caElsewhere != "" && errors.As(probeErr, &ie) && ie.Problem == ProblemCA {
		sev = SeverityWarning // the CA the Concierge uses is not known here
	}
	says := f.Cause
	if f.Severity == SeverityOK {
		says = "phase Ready"
	}
	return Finding{Severity: sev, Object: f.Object, Cause: cause + "; Concierge: " + says, Fix: fixIt}
}

// issuerWords says what a failed probe means and what to change, in the
// field names of the object the issuer came from.
func issuerWords(err error, s issuerSource) (cause, fix string) {
	var ie *IssuerError
	if !errors.As(err, &ie) {
		return fmt.Sprintf("issuer %s: %s", s.issuer, short(err)), ""
	}
	detail := short(ie.Err)
	switch ie.Problem {
	case ProblemURL:
		return fmt.Sprintf("%s %s: %s", s.issuerField, s.issuer, detail),
			"the Concierge takes an https URL without /.well-known/openid-configuration, query or fragment"
	case ProblemBadCA:
		return fmt.Sprintf("%s: %s", s.caField, detail),
			fmt.Sprintf("set %s to the base64-encoded PEM of the CA that signed the issuer's certificate", s.caField)
	case ProblemUnreachable:
		return fmt.Sprintf("issuer %s unreachable: %s", s.issuer, detail),
			fmt.Sprintf("check that the issuer is up and %s is right: %s/.well-known/openid-configuration must answer", s.issuerField, strings.TrimSuffix(s.issuer, "/"))
	case ProblemCA:
		cause = fmt.Sprintf("TLS verification of issuer %s failed: %s", s.issuer, tlsReason(ie.Err))
		switch {
		case s.caElsewhere != "":
			return cause + " (with the system roots: its CA is in " + s.caElsewhere + ", not read here)",
				"check that " + s.caElsewhere + " holds the CA that signed the issuer's certificate"
		case s.caData == "":
			return cause, fmt.Sprintf("%s is not set, so the system roots are used: set it to the base64-encoded PEM CA of the issuer's certificate", s.caField)
		}
		return cause, fmt.Sprintf("%s is not the CA of the issuer's certificate: set the CA that signed it", s.caField)
	case ProblemMismatch:
		return fmt.Sprintf("the discovery document of %s names another issuer, %s", s.issuer, ie.Named),
			fmt.Sprintf("%s must be exactly the issuer the provider names (%s), as tokens carry it in iss", s.issuerField, ie.Named)
	case ProblemJWKS:
		return fmt.Sprintf("issuer %s: its keys: %s", s.issuer, detail),
			"the discovery document's jwks_uri must be an https URL serving a key set the Concierge can fetch"
	}
	return fmt.Sprintf("issuer %s has no usable discovery document: %s", s.issuer, detail),
		fmt.Sprintf("%s must be the issuer URL itself, serving %s/.well-known/openid-configuration", s.issuerField, strings.TrimSuffix(s.issuer, "/"))
}

// short keeps the first line of an error, at most 200 bytes: a discovery
// endpoint may answer an error with a whole HTML page.
func short(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// tlsReason keeps the certificate problem of a TLS error.
func tlsReason(err error) string {
	s := short(err)
	for _, p := range []string{"x509: ", "tls: "} {
		if i := strings.Index(s, p); i >= 0 {
			return s[i:]
		}
	}
	return s
}
