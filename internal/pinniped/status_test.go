package pinniped

import (
	"context"
	"crypto/x509"
	"errors"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

// fakeCluster serves the kinds Status lists, with objs among them.
func fakeCluster(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	lists := map[schema.GroupVersionResource]string{
		{Group: Group("config.concierge", ""), Version: "v1alpha1", Resource: "credentialissuers"}: "CredentialIssuerList",
	}
	for _, k := range statusKinds {
		lists[schema.GroupVersionResource{Group: Group(k.group, ""), Version: "v1alpha1", Resource: k.resource}] = k.kind + "List"
	}
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), lists, objs...)
}

// jwtAuthenticator is a JWTAuthenticator; status nil is one no Concierge has processed.
func jwtAuthenticator(name, issuer, caBase64 string, status map[string]any) *unstructured.Unstructured {
	spec := map[string]any{"issuer": issuer, "audience": "tko"}
	if caBase64 != "" {
		spec["tls"] = map[string]any{"certificateAuthorityData": caBase64}
	}
	obj := map[string]any{"apiVersion": Group("authentication.concierge", "") + "/v1alpha1", "kind": "JWTAuthenticator",
		"metadata": map[string]any{"name": name}, "spec": spec}
	if status != nil {
		obj["status"] = status
	}
	return &unstructured.Unstructured{Object: obj}
}

var ready = map[string]any{"phase": "Ready", "conditions": []any{
	map[string]any{"type": "Ready", "status": "True", "reason": "Success", "message": "the JWTAuthenticator is ready"}}}

// fakeProbe answers each issuer with the error given for it, as
// oidc.ProbeIssuer would; it records the CAs it was handed.
type fakeProbe struct {
	errs map[string]error
	mu   sync.Mutex
	cas  []string
}

func (p *fakeProbe) probe(_ context.Context, issuer string, ca []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cas = append(p.cas, string(ca))
	return p.errs[issuer]
}

func TestStatusNamesEveryAuthenticatorWhoseIssuerFails(t *testing.T) {
	const good, down, wrongCA, other, inSecret = "https://good.example/oidc", "https://127.0.0.1:1/x", "https://wrong-ca.example", "https://other.example", "https://secret-ca.example"
	unknownCA := &url.Error{Op: "Get", URL: wrongCA, Err: x509.UnknownAuthorityError{}}
	p := &fakeProbe{errs: map[string]error{
		down:     &IssuerError{Issuer: down, Problem: ProblemUnreachable, Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")},
		wrongCA:  &IssuerError{Issuer: wrongCA, Problem: ProblemCA, Err: unknownCA},
		other:    &IssuerError{Issuer: other, Problem: ProblemMismatch, Err: errors.New("oidc: issuer mismatch"), Named: "https://other.example/"},
		inSecret: &IssuerError{Issuer: inSecret, Problem: ProblemCA, Err: unknownCA},
	}}
	withSource := jwtAuthenticator("ca-in-secret", inSecret, "", nil)
	_ = unstructured.SetNestedStringMap(withSource.Object, map[string]string{"kind": "Secret", "name": "issuer-ca", "key": "ca.crt"},
		"spec", "tls", "certificateAuthorityDataSource")
	dyn := fakeCluster(
		jwtAuthenticator("healthy", good, "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t", ready),
		jwtAuthenticator("unprocessed", down, "", nil),
		jwtAuthenticator("wrong-ca", wrongCA, "", ready),
		jwtAuthenticator("other-issuer", other, "", map[string]any{"phase": "Error", "conditions": []any{
			map[string]any{"type": "DiscoveryValid", "status": "False", "reason": "InvalidDiscoveryProbe", "message": "could not perform oidc discovery"}}}),
		jwtAuthenticator("not-base64", good, "%%%", nil),
		withSource,
	)
	fs, err := Status(context.Background(), dyn, "", &Info{Issuer: good}, p.probe, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Finding{}
	for _, f := range fs {
		got[f.Object] = f
	}
	for object, want := range map[string]struct {
		severity   string
		cause, fix []string
	}{
		"JWTAuthenticator/healthy": {SeverityOK, []string{"Ready; issuer " + good + " serves its discovery document and keys"}, nil},
		"JWTAuthenticator/unprocessed": {SeverityError,
			[]string{"issuer " + down + " unreachable: dial tcp 127.0.0.1:1: connect: connection refused; Concierge: phase unknown (no status yet)"},
			[]string{"check that the issuer is up and spec.issuer is right: " + down + "/.well-known/openid-configuration must answer"}},
		"JWTAuthenticator/wrong-ca": {SeverityError,
			[]string{"TLS verification of issuer " + wrongCA + " failed: x509: certificate signed by unknown authority; Concierge: phase Ready"},
			[]string{"spec.tls.certificateAuthorityData is not set, so the system roots are used"}},
		"JWTAuthenticator/other-issuer": {SeverityError,
			[]string{"the discovery document of " + other + " names another issuer, https://other.example/",
				"; Concierge: phase Error: DiscoveryValid False: could not perform oidc discovery"},
			[]string{"spec.issuer must be exactly the issuer the provider names (https://other.example/)"}},
		"JWTAuthenticator/not-base64": {SeverityError,
			[]string{"spec.tls.certificateAuthorityData: the CA bundle is neither PEM nor base64"}, []string{"base64-encoded PEM"}},
		"JWTAuthenticator/ca-in-secret": {SeverityWarning,
			[]string{"(with the system roots: its CA is in Secret issuer-ca (key ca.crt) in the Concierge's namespace, not read here)"},
			[]string{"check that Secret issuer-ca"}},
		"ConfigMap/kube-public/pinniped-info": {SeverityOK, []string{"issuer " + good + " reachable"}, nil},
	} {
		f := got[object]
		if f.Severity != want.severity {
			t.Errorf("%s: severity %q, want %s (%s)", object, f.Severity, want.severity, f.Cause)
		}
		for _, w := range want.cause {
			if !strings.Contains(f.Cause, w) {
				t.Errorf("%s: cause %q lacks %q", object, f.Cause, w)
			}
		}
		for _, w := range want.fix {
			if !strings.Contains(f.Fix, w) {
				t.Errorf("%s: fix %q lacks %q", object, f.Fix, w)
			}
		}
	}
	if fs[0].Severity != SeverityError {
		t.Errorf("errors come first: %+v", fs[0])
	}
	if !slices.Contains(p.cas, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("the probe was not handed the decoded CA: %q", p.cas)
	}
}

func TestStatusProbesPinnipedInfo(t *testing.T) {
	const iss = "https://supervisor.example/provider"
	p := &fakeProbe{errs: map[string]error{
		iss: &IssuerError{Issuer: iss, Problem: ProblemCA, Err: x509.UnknownAuthorityError{}}}}
	fs, err := Status(context.Background(), fakeCluster(), "", &Info{Issuer: iss, CABundle: "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t"}, p.probe, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Severity != SeverityError || !strings.Contains(fs[0].Cause, "x509: ") || !strings.Contains(fs[0].Fix, "issuer_ca_bundle_data is not the CA") {
		t.Fatalf("%+v", fs)
	}
}

// A probe that never answers is cut at the timeout, and the probes run
// side by side.
func TestStatusProbesAreBoundedAndParallel(t *testing.T) {
	var inFlight, most atomic.Int32
	hang := func(ctx context.Context, issuer string, _ []byte) error {
		n := inFlight.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		<-ctx.Done()
		return &IssuerError{Issuer: issuer, Problem: ProblemUnreachable, Err: ctx.Err()}
	}
	dyn := fakeCluster(jwtAuthenticator("a", "https://a.example", "", nil), jwtAuthenticator("b", "https://b.example", "", nil),
		jwtAuthenticator("c", "https://c.example", "", nil))
	start := time.Now()
	fs, err := Status(context.Background(), dyn, "", nil, hang, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second || most.Load() != 3 {
		t.Fatalf("three hung probes took %s, at most %d at once", d, most.Load())
	}
	n := 0
	for _, f := range fs {
		if !strings.HasPrefix(f.Object, "JWTAuthenticator/") {
			continue
		}
		n++
		if f.Severity != SeverityError || !strings.Contains(f.Cause, "unreachable: no answer within 300ms") {
			t.Errorf("%+v", f)
		}
	}
	if n != 3 {
		t.Fatalf("%d authenticators reported: %+v", n, fs)
	}
}
