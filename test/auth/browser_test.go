package auth

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBrowserLoginThroughDexLoginForm drives the authorization code flow
// headless: the plugin prints the login URL (--skip-browser), the test
// plays the browser through Dex's login form, and Dex redirects to the
// plugin's localhost callback, which finishes the login with PKCE.
func TestBrowserLoginThroughDexLoginForm(t *testing.T) {
	e := suite.New(t)
	cmd := exec.Command(filepath.Join(suite.BinDir, "kubectl-tko-auth"), "login", "--issuer", dex.Issuer, "--client-id", clientID,
		"--scopes", "openid,email,groups,offline_access", "--ca-bundle-data", base64.StdEncoding.EncodeToString(dex.CAPEM),
		"--skip-browser", "--callback-timeout", "1m")
	cmd.Env = []string{"HOME=" + e.Home, "PATH=/usr/bin:/bin", execInfo}
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	found := make(chan string, 1)
	var printed bytes.Buffer
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			printed.WriteString(sc.Text() + "\n")
			if u := strings.TrimSpace(sc.Text()); strings.HasPrefix(u, "https://") {
				found <- u
			}
		}
	}()
	var loginURL string
	select {
	case loginURL = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("no login URL on stderr")
	}
	if !strings.Contains(loginURL, "code_challenge_method=S256") || !strings.Contains(loginURL, "redirect_uri=http%3A%2F%2F127.0.0.1%3A") {
		t.Fatalf("login URL without PKCE or a loopback redirect: %s", loginURL)
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(dex.CAPEM)
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	form, err := browser.Get(loginURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(form.Body)
	form.Body.Close()
	if !strings.Contains(string(page), `name="password"`) {
		t.Fatalf("no login form at %s:\n%s", form.Request.URL, page)
	}
	done, err := browser.PostForm(form.Request.URL.String(), url.Values{"login": {aliceEmail}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(done.Body)
	done.Body.Close()
	if !strings.HasPrefix(done.Request.URL.String(), "http://127.0.0.1:") || !strings.Contains(string(body), "You are logged in") {
		t.Fatalf("the login ended at %s: %s", done.Request.URL, body)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("login: %v\n%s", err, printed.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("login did not finish after the callback")
	}
	if !strings.Contains(stdout.String(), `"kind":"ExecCredential"`) || !strings.Contains(stdout.String(), `"token":"ey`) {
		t.Fatalf("stdout %q", stdout.String())
	}
}
