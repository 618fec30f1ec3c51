package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCacheFilesAreOwnerOnlyAndSurviveCorruption(t *testing.T) {
	dir := t.TempDir()
	s, _ := NewStore(dir)
	exp := time.Now().Add(time.Hour).UTC()
	if err := s.PutCredential("k", &Credential{Token: "secret", Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(s.CredentialsPath)
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", info.Mode())
	}
	// Readable by others: tightened, with a notice that names no token.
	_ = os.Chmod(s.CredentialsPath, 0o644)
	c, err := s.Credential("k")
	if err != nil || c == nil || c.Token != "secret" {
		t.Fatalf("%+v %v", c, err)
	}
	info, _ = os.Stat(s.CredentialsPath)
	if info.Mode().Perm() != 0o600 || len(s.Notices) != 1 || strings.Contains(string(s.Notices[0]), "secret") {
		t.Fatalf("mode %v notices %q", info.Mode(), s.Notices)
	}
	// Corrupt: ignored, then rewritten.
	_ = os.WriteFile(s.CredentialsPath, []byte("{not json"), 0o600)
	if c, err := s.Credential("k"); err != nil || c != nil {
		t.Fatalf("corrupt cache: %+v %v", c, err)
	}
	if err := s.PutCredential("k2", &Credential{Token: "t", Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Credential("k2"); c == nil {
		t.Fatal("not rewritten")
	}
	removed, err := s.Clear()
	if err != nil || len(removed) != 1 {
		t.Fatalf("%v %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(dir, SessionsFile)); !os.IsNotExist(err) {
		t.Fatal("sessions file appeared")
	}
}

func TestKeysSeparateClustersAndAudiences(t *testing.T) {
	a := Config{Issuer: "https://i", ClientID: "pinniped-cli", Scopes: []string{"openid", "groups"}}
	b := a
	b.Scopes = []string{"groups", "openid"}
	if a.SessionKey() != b.SessionKey() {
		t.Fatal("scope order must not matter")
	}
	b.RequestAudience = "wc-1"
	if a.SessionKey() == b.SessionKey() {
		t.Fatal("the audience must be in the session key")
	}
	c1, c2 := &ClusterInfo{Server: "https://a"}, &ClusterInfo{Server: "https://b"}
	if a.CredentialKey(c1) == a.CredentialKey(c2) {
		t.Fatal("two clusters share a credential key")
	}
}

func TestExecCredentialVersions(t *testing.T) {
	cred := &Credential{Token: "tok", Expiry: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	out, err := ExecCredential(nil, cred)
	if err != nil || !strings.Contains(string(out), `"apiVersion":"client.authentication.k8s.io/v1"`) || !strings.Contains(string(out), `"expirationTimestamp":"2026-11-26T12:00:00Z"`) {
		t.Fatalf("%s %v", out, err)
	}
	info, err := ParseExecInfo(`{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"cluster":{"server":"https://127.0.0.1:6443","certificate-authority-data":"Q0E="},"interactive":false}}`)
	if err != nil || info.Spec.Cluster.Server != "https://127.0.0.1:6443" {
		t.Fatalf("%+v %v", info, err)
	}
	out, _ = ExecCredential(info, cred)
	if !strings.Contains(string(out), "v1beta1") {
		t.Fatalf("%s", out)
	}
	if _, err := ParseExecInfo(`{"apiVersion":"client.authentication.k8s.io/v1alpha1"}`); err == nil {
		t.Fatal("v1alpha1 must be refused")
	}
}

func TestDecodeClaims(t *testing.T) {
	payload, _ := json.Marshal(map[string]any{"iss": "https://i", "sub": "Cg", "aud": "pinniped-cli", "email": "alice@example.com",
		"groups": []string{"admins", "devs"}, "exp": 1795000000, "iat": 1794990000})
	jwt := "e30." + base64.RawURLEncoding.EncodeToString(payload) + ".sig"
	c, err := DecodeClaims(jwt)
	if err != nil || c.Email != "alice@example.com" || len(c.Groups) != 2 || c.Audience[0] != "pinniped-cli" || c.Expiry.IsZero() {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := DecodeClaims("nope"); err == nil {
		t.Fatal("not a JWT")
	}
}

func errorsAs(err error, target any) bool { return errors.As(err, target) }
