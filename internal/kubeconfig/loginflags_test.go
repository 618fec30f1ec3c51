package kubeconfig

import (
	"reflect"
	"slices"
	"testing"
)

// Kubeconfigs written before keep their exact arguments: the order and
// the flags written are pinned.
func TestLoginArgsAreThoseKubeconfigsHave(t *testing.T) {
	l := Login{Issuer: "https://s", IssuerCA: "Q0E=", Scopes: []string{"openid", "groups"}, RequestAudience: "wc-1",
		UpstreamName: "ldap", UpstreamType: "ldap", UpstreamFlow: "cli_password", SkipBrowser: true,
		Concierge: &ConciergeLogin{AuthenticatorName: "tkg-jwt-authenticator", Endpoint: "https://wc-1:6443", CAData: []byte("CA")}}
	want := []string{"--issuer", "https://s", "--client-id", "pinniped-cli", "--scopes", "openid,groups", "--ca-bundle-data", "Q0E=",
		"--request-audience", "wc-1", "--enable-concierge", "--concierge-api-group-suffix", "pinniped.dev",
		"--concierge-authenticator-type", "jwt", "--concierge-authenticator-name", "tkg-jwt-authenticator",
		"--concierge-endpoint", "https://wc-1:6443", "--concierge-ca-bundle-data", "Q0E=",
		"--upstream-identity-provider-name", "ldap", "--upstream-identity-provider-type", "ldap",
		"--upstream-identity-provider-flow", "cli_password", "--skip-browser"}
	if got := l.Args(); !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := (Login{Issuer: "https://s"}).Args(); !slices.Equal(got, []string{"--issuer", "https://s", "--client-id", "pinniped-cli", "--scopes", ""}) {
		t.Errorf("no Concierge: %q", got)
	}
}

// What Args writes, ParseLoginFlags reads back as it was: the flags that
// Login never sets too.
func TestLoginFlagsRoundTrip(t *testing.T) {
	full := (Login{Issuer: "https://s", IssuerCA: "Q0E=", Scopes: []string{"openid"}, RequestAudience: "wc-1", UpstreamFlow: "cli_password",
		Concierge: &ConciergeLogin{AuthenticatorName: "a", Endpoint: "https://e", CAData: []byte("CA")}}).Flags()
	other := NewLoginFlags()
	other.Issuer, other.SessionCache, other.ListenPort, other.CallbackTimeoutDuration = "https://s", "/tmp/s.yaml", 4242, "1m"
	other.CABundle, other.SkipListen, other.ConciergeNamespace = []string{"a.pem", "b.pem"}, true, "ns"
	for _, l := range []LoginFlags{full, other, NewLoginFlags()} {
		got, err := ParseLoginFlags(l.Args())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, l) {
			t.Errorf("args %q\nread %+v\nwant %+v", l.Args(), *got, l)
		}
	}
}

// A pinniped kubeconfig's arguments, with flags written as --flag=value
// and some this version does not know, read and written again mean the
// same.
func TestLoginFlagsReadPinnipedArguments(t *testing.T) {
	l, err := ParseLoginFlags([]string{"--enable-concierge", "--concierge-authenticator-name=tkg-jwt-authenticator", "--concierge-authenticator-type=jwt",
		"--concierge-endpoint=https://10.0.0.5:6443", "--issuer=https://s/provider", "--scopes=openid,groups", "--some-future-flag=x"})
	if err != nil {
		t.Fatal(err)
	}
	if !l.EnableConcierge || l.ConciergeSuffix != "pinniped.dev" || l.ClientID != "pinniped-cli" || !slices.Equal(l.Scopes, []string{"openid", "groups"}) {
		t.Fatalf("%+v", l)
	}
	again, err := ParseLoginFlags(l.Args())
	if err != nil || !reflect.DeepEqual(again, l) {
		t.Errorf("%+v, %v", again, err)
	}
}
