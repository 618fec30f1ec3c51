package pinniped

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Severities of a Finding.
const (
	SeverityOK      = "ok"
	SeverityWarning = "warning"
	SeverityError   = "error"
)

// Finding is one fact about a cluster's Pinniped set-up: the object, the
// cause and the fix.
type Finding struct {
	Severity string `json:"severity"`
	Object   string `json:"object"` // kind/name, or namespace/name for the ConfigMap
	Cause    string `json:"cause"`
	Fix      string `json:"fix,omitempty"`
}

// Info is the management cluster's kube-public/pinniped-info, for the checks.
type Info struct {
	Issuer   string
	CABundle string // base64 PEM
}

// kinds the status reads, with the fix to suggest when one is not Ready.
var statusKinds = []struct {
	group, resource, kind string
	namespaced            bool
	fix                   string
}{
	{"authentication.concierge", "jwtauthenticators", "JWTAuthenticator", false,
		"check spec.issuer, spec.audience and spec.tls.certificateAuthorityData; the Concierge must reach the issuer's discovery and JWKS endpoints"},
	{"authentication.concierge", "webhookauthenticators", "WebhookAuthenticator", false,
		"check spec.endpoint and spec.tls.certificateAuthorityData; the Concierge must reach the webhook"},
	{"config.supervisor", "federationdomains", "FederationDomain", true,
		"check spec.issuer, its TLS secret (spec.tls.secretName) and that each identity provider it names exists"},
	{"idp.supervisor", "oidcidentityproviders", "OIDCIdentityProvider", true,
		"check spec.issuer, spec.client.secretName (a secrets.pinniped.dev/oidc-client Secret) and the upstream's CA"},
	{"idp.supervisor", "ldapidentityproviders", "LDAPIdentityProvider", true,
		"check spec.host, spec.bind.secretName and spec.tls; the Supervisor must reach the LDAP server"},
	{"idp.supervisor", "activedirectoryidentityproviders", "ActiveDirectoryIdentityProvider", true,
		"check spec.host, spec.bind.secretName and spec.tls; the Supervisor must reach the domain controller"},
	{"idp.supervisor", "githubidentityproviders", "GitHubIdentityProvider", true,
		"check spec.client.secretName and spec.allowAuthentication; the Supervisor must reach GitHub"},
}

// Status reads a cluster's Pinniped objects and returns its findings,
// errors first. info is nil when the cluster publishes no pinniped-info.
// check probes the issuer of every JWTAuthenticator and the one
// pinniped-info names, in parallel, each within timeout (0:
// DefaultProbeTimeout).
func Status(ctx context.Context, dyn dynamic.Interface, suffix string, info *Info, check IssuerProbe, timeout time.Duration) ([]Finding, error) {
	var rest []Finding
	var jwts []unstructured.Unstructured
	var jwtFix string
	for _, k := range statusKinds {
		gvr := schema.GroupVersionResource{Group: Group(k.group, suffix), Version: "v1alpha1", Resource: k.resource}
		list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue // not installed here
		}
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", k.resource, err)
		}
		if k.kind == "JWTAuthenticator" {
			jwts, jwtFix = list.Items, k.fix
			continue
		}
		for _, obj := range list.Items {
			rest = append(rest, phaseFinding(obj, k.kind, k.fix))
		}
	}
	srcs := make([]issuerSource, 0, len(jwts)+1)
	var authIssuers []string
	for _, obj := range jwts {
		src := jwtSource(obj)
		srcs = append(srcs, src)
		authIssuers = append(authIssuers, src.issuer)
	}
	infoSrc := issuerSource{issuerField: "issuer", caField: "issuer_ca_bundle_data"}
	if info != nil && strings.HasPrefix(info.Issuer, "https://") {
		infoSrc.issuer, infoSrc.caData = info.Issuer, info.CABundle
		srcs = append(srcs, infoSrc)
	}
	probed := probeAll(ctx, check, srcs, timeout)
	out := make([]Finding, 0, len(jwts)+len(rest))
	for i, obj := range jwts {
		out = append(out, jwtFinding(obj, jwtFix, probed[i], srcs[i]))
	}
	out = append(out, rest...)
	issuers, err := dyn.Resource(schema.GroupVersionResource{Group: Group("config.concierge", suffix), Version: "v1alpha1", Resource: "credentialissuers"}).
		List(ctx, metav1.ListOptions{})
	switch {
	case apierrors.IsNotFound(err):
	case err != nil:
		return nil, fmt.Errorf("listing CredentialIssuers: %w", err)
	case len(issuers.Items) == 0 && len(authIssuers) > 0:
		out = append(out, Finding{Severity: SeverityWarning, Object: "CredentialIssuer",
			Cause: "authenticators exist but no CredentialIssuer: the Concierge is not running or not installed",
			Fix:   "check the pinniped-concierge Deployment; without it logins must go to the API server directly"})
	default:
		for _, ci := range issuers.Items {
			out = append(out, strategyFindings(ci)...)
		}
	}
	if info != nil {
		var infoErr error
		if len(probed) > len(jwts) {
			infoErr = probed[len(jwts)]
		}
		out = append(out, infoFindings(*info, infoSrc, authIssuers, infoErr)...)
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Severity) < rank(out[j].Severity) })
	return out, nil
}

// jwtSource reads a JWTAuthenticator's issuer and CA.
func jwtSource(obj unstructured.Unstructured) issuerSource {
	src := issuerSource{issuerField: "spec.issuer", caField: "spec.tls.certificateAuthorityData"}
	src.issuer, _, _ = unstructured.NestedString(obj.Object, "spec", "issuer")
	src.caData, _, _ = unstructured.NestedString(obj.Object, "spec", "tls", "certificateAuthorityData")
	if ref, ok, _ := unstructured.NestedStringMap(obj.Object, "spec", "tls", "certificateAuthorityDataSource"); ok && src.caData == "" {
		src.caElsewhere = fmt.Sprintf("%s %s (key %s) in the Concierge's namespace", ref["kind"], ref["name"], ref["key"])
	}
	return src
}

func rank(s string) int {
	switch s {
	case SeverityError:
		return 0
	case SeverityWarning:
		return 1
	}
	return 2
}

func phaseFinding(obj unstructured.Unstructured, kind, fix string) Finding {
	name := kind + "/" + obj.GetName()
	if ns := obj.GetNamespace(); ns != "" {
		name = kind + "/" + ns + "/" + obj.GetName()
	}
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	if phase == "Ready" {
		return Finding{Severity: SeverityOK, Object: name, Cause: "Ready"}
	}
	var bad []string
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["status"] != "True" {
			bad = append(bad, fmt.Sprintf("%v %v: %v", m["type"], m["status"], m["message"]))
		}
	}
	if phase == "" {
		phase = "unknown (no status yet)"
	}
	cause := "phase " + phase
	if len(bad) > 0 {
		cause += ": " + strings.Join(bad, "; ")
	}
	sev := SeverityError
	if phase == "Pending" || strings.HasPrefix(phase, "unknown") {
		sev = SeverityWarning
	}
	return Finding{Severity: sev, Object: name, Cause: cause, Fix: fix}
}

func strategyFindings(ci unstructured.Unstructured) []Finding {
	strats := strategies(ci)
	name := "CredentialIssuer/" + ci.GetName()
	ok := false
	for _, s := range strats {
		if s.Status == StrategySuccess {
			ok = true
		}
	}
	var out []Finding
	for _, s := range strats {
		obj := name + " " + s.Type
		if s.Status == StrategySuccess {
			where := s.Frontend
			if s.Endpoint != "" {
				where += " at " + s.Endpoint
			}
			out = append(out, Finding{Severity: SeverityOK, Object: obj, Cause: "Success: " + where})
			continue
		}
		sev, fix := SeverityError, "no strategy works: logins through the Concierge fail; see the pinniped-concierge logs"
		if ok {
			sev, fix = SeverityWarning, "another strategy works; nothing to do unless you expected this one"
		}
		if s.Type == "KubeClusterSigningCertificate" && ok {
			fix = "usual where the Concierge cannot read the cluster's signing key (managed control planes); the impersonation proxy serves logins"
		}
		out = append(out, Finding{Severity: sev, Object: obj, Cause: fmt.Sprintf("%s: %s: %s", s.Status, s.Reason, s.Message), Fix: fix})
	}
	if len(strats) == 0 {
		out = append(out, Finding{Severity: SeverityWarning, Object: name, Cause: "no strategies reported yet",
			Fix: "the Concierge fills them in within a minute of starting; check its logs if they stay empty"})
	}
	return out
}

func infoFindings(info Info, src issuerSource, authIssuers []string, probeErr error) []Finding {
	const obj = "ConfigMap/kube-public/pinniped-info"
	if !strings.HasPrefix(info.Issuer, "https://") {
		return []Finding{{Severity: SeverityError, Object: obj, Cause: fmt.Sprintf("issuer %q is not an https URL", info.Issuer),
			Fix: "TKG writes it from the Supervisor's FederationDomain; re-run the identity management set-up"}}
	}
	var out []Finding
	if probeErr != nil {
		cause, fix := issuerWords(probeErr, src)
		out = append(out, Finding{Severity: SeverityError, Object: obj, Cause: cause, Fix: fix})
	} else {
		out = append(out, Finding{Severity: SeverityOK, Object: obj, Cause: "issuer " + info.Issuer + " reachable, its discovery document and keys verified with issuer_ca_bundle_data"})
	}
	if len(authIssuers) > 0 {
		trusted := false
		for _, iss := range authIssuers {
			if strings.TrimSuffix(iss, "/") == strings.TrimSuffix(info.Issuer, "/") {
				trusted = true
			}
		}
		if !trusted {
			out = append(out, Finding{Severity: SeverityWarning, Object: obj,
				Cause: fmt.Sprintf("no JWTAuthenticator on this cluster trusts the published issuer %s (they trust %s)", info.Issuer, strings.Join(authIssuers, ", ")),
				Fix:   "logins from 'kubectl tko auth kubeconfig get' will be refused here: fix the JWTAuthenticator's spec.issuer or pinniped-info"})
		}
	}
	return out
}
