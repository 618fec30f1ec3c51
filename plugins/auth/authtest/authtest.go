// Package authtest gives the tests of the auth verbs a login kubeconfig
// and the login session kubectl tko auth login would have cached.
package authtest

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
)

// Issuer is the OpenID provider of the login kubeconfig.
const Issuer = "https://issuer.example.com"

// LoginArgs are the words of the kubeconfig's login, after `kubectl`.
func LoginArgs() []string {
	return []string{"tko", "auth", "login", "--issuer", Issuer, "--client-id", "pinniped-cli", "--scopes", "openid,email,groups"}
}

// Login makes every user of cfg log in through kubectl tko auth login.
func Login(cfg *clientcmdapi.Config) {
	for _, u := range cfg.AuthInfos {
		u.Token = ""
		u.Exec = &clientcmdapi.ExecConfig{APIVersion: "client.authentication.k8s.io/v1", Command: "kubectl", Args: LoginArgs(), InteractiveMode: clientcmdapi.IfAvailableExecInteractiveMode}
	}
}

// Session caches, under home, a session of the login whose ID token holds
// claims and is good for an hour.
func Session(t testing.TB, home string, claims map[string]any) {
	t.Helper()
	store, err := oidc.NewStore(filepath.Join(home, ".config", "tko"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := oidc.Config{Issuer: Issuer, ClientID: "pinniped-cli", Scopes: []string{"openid", "email", "groups"}}
	expiry := time.Now().Add(time.Hour)
	claims["iss"], claims["exp"] = Issuer, expiry.Unix()
	if err := store.PutSession(cfg.SessionKey(), &oidc.Session{Issuer: Issuer, IDToken: IDToken(t, claims), IDTokenExpiry: expiry, RefreshToken: "refresh-1", Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// Alice is the session of alice@example.com, in group tko-platform.
func Alice(t testing.TB, home string) {
	Session(t, home, map[string]any{"sub": "alice", "email": "alice@example.com", "groups": []string{"tko-platform"}, "aud": "pinniped-cli"})
}

// IDToken is an unsigned JWT of claims: what the commands decode.
func IDToken(t testing.TB, claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc(payload) + "." + enc([]byte("signature"))
}
