package kubeconfig

import (
	"slices"
	"strings"
	"testing"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

func TestConvertSwapsPinnipedAndTanzuLogins(t *testing.T) {
	cfg := clientcmdapi.NewConfig()
	cfg.AuthInfos["pinniped"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "/usr/local/bin/pinniped",
		Args: []string{"login", "oidc", "--issuer=https://s/provider", "--enable-concierge"}}}
	cfg.AuthInfos["tanzu-cli-wc-1"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "tanzu",
		Args: []string{"pinniped-auth", "login", "--issuer=https://s/provider", "--concierge-authenticator-name=tkg-jwt-authenticator"}}}
	cfg.AuthInfos["ours"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "kubectl", Args: []string{"tko", "auth", "login", "--issuer=https://s"}}}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: []byte("x")}
	cfg.AuthInfos["aws"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{Command: "aws", Args: []string{"eks", "get-token"}}}
	got := Convert(cfg)
	if len(got) != 2 || got[0] != (Conversion{"pinniped", LoginPinniped}) || got[1] != (Conversion{"tanzu-cli-wc-1", LoginTanzu}) {
		t.Fatalf("%+v", got)
	}
	p := cfg.AuthInfos["pinniped"].Exec
	if p.Command != "kubectl" || !slices.Equal(p.Args, []string{"tko", "auth", "login", "--issuer=https://s/provider", "--enable-concierge"}) || !p.ProvideClusterInfo {
		t.Fatalf("%+v", p)
	}
	if cfg.AuthInfos["aws"].Exec.Command != "aws" {
		t.Fatal("another exec plugin was touched")
	}
}

func TestLoginArgsRoundTrip(t *testing.T) {
	l := Login{Issuer: "https://s", IssuerCA: "Q0E=", Scopes: []string{"openid", "groups"}, RequestAudience: "wc-1",
		UpstreamName: "ldap", UpstreamFlow: "cli_password",
		Concierge: &ConciergeLogin{AuthenticatorName: "tkg-jwt-authenticator", Endpoint: "https://wc-1:6443", CAData: []byte("CA")}}
	cfg := LoginConfig("wc-1", &clientcmdapi.Cluster{Server: "https://wc-1:6443"}, l)
	exec := cfg.AuthInfos["wc-1-pinniped"].Exec
	args, cmd, ok := LoginArgs(exec)
	joined := strings.Join(args, " ")
	for _, want := range []string{"--issuer https://s", "--client-id pinniped-cli", "--scopes openid,groups", "--ca-bundle-data Q0E=",
		"--request-audience wc-1", "--enable-concierge", "--concierge-authenticator-type jwt", "--concierge-api-group-suffix pinniped.dev",
		"--concierge-ca-bundle-data Q0E=", "--upstream-identity-provider-name ldap", "--upstream-identity-provider-flow cli_password"} {
		if !strings.Contains(joined, want) {
			t.Errorf("missing %s in %s", want, joined)
		}
	}
	if !ok || cmd != LoginTKO || !exec.ProvideClusterInfo || cfg.CurrentContext != "wc-1@wc-1" {
		t.Fatalf("%v %s %+v", ok, cmd, exec)
	}
}

func TestLoginCommandRunsThePluginDirectly(t *testing.T) {
	cfg := LoginConfig("mgmt", &clientcmdapi.Cluster{Server: "https://m:6443"}, Login{Issuer: "https://s", Command: "kubectl-tko-auth"})
	exec := cfg.AuthInfos["mgmt-pinniped"].Exec
	if exec.Command != "kubectl-tko-auth" || exec.Args[0] != "login" {
		t.Fatalf("%+v", exec)
	}
	if args, cmd, ok := LoginArgs(exec); !ok || cmd != LoginTKO || args[0] != "--issuer" {
		t.Fatalf("%v %s %v", ok, cmd, args)
	}
}
