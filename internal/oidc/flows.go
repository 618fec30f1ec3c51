package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// DefaultCallbackTimeout bounds a browser login.
const DefaultCallbackTimeout = 5 * time.Minute

func randomString() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authParams are the Supervisor's upstream selection parameters.
func (c *Client) authParams(verifier string) []oauth2.AuthCodeOption {
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier), gooidc.Nonce(randomString())}
	if c.Config.UpstreamName != "" {
		opts = append(opts, oauth2.SetAuthURLParam("pinniped_idp_name", c.Config.UpstreamName))
	}
	if c.Config.UpstreamType != "" {
		opts = append(opts, oauth2.SetAuthURLParam("pinniped_idp_type", c.Config.UpstreamType))
	}
	return opts
}

// browserLogin is the authorization code flow with PKCE: a listener on
// 127.0.0.1 receives the provider's redirect.
func (c *Client) browserLogin(ctx context.Context, p *gooidc.Provider) (*oauth2.Token, error) {
	if p.Endpoint().AuthURL == "" {
		return nil, &IssuerError{Issuer: c.Config.Issuer, Problem: ProblemDiscovery, Err: errors.New("the discovery document has no authorization_endpoint")}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Config.ListenPort)))
	if err != nil {
		return nil, fmt.Errorf("listening for the login callback on 127.0.0.1:%d: %w", c.Config.ListenPort, err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	cfg := c.oauth2Config(p, redirect)
	verifier, state := oauth2.GenerateVerifier(), randomString()
	authURL := cfg.AuthCodeURL(state, c.authParams(verifier)...)

	type result struct {
		code string
		err  error
	}
	done := make(chan result, 1)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/callback" {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		var res result
		switch {
		case q.Get("state") != state:
			http.Error(w, "this login callback does not belong to the login in progress", http.StatusBadRequest)
			return
		case q.Get("error") != "":
			res.err = &LoginError{Issuer: c.Config.Issuer, Op: "browser login", Code: q.Get("error"), Description: q.Get("error_description")}
			http.Error(w, "login failed: "+q.Get("error")+"; return to the terminal", http.StatusForbidden)
		default:
			res.code = q.Get("code")
			_, _ = fmt.Fprintln(w, "You are logged in. You may close this window and return to the terminal.")
		}
		select {
		case done <- res:
		default:
		}
	})}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	opened := false
	if !c.Config.SkipBrowser && c.Interaction.OpenBrowser != nil {
		opened = c.Interaction.OpenBrowser(authURL) == nil
	}
	if c.Interaction.Notify != nil {
		if opened {
			fmt.Fprintf(c.Interaction.Notify, "Log in in the browser window that opened; if none did, visit:\n  %s\n", authURL)
		} else {
			fmt.Fprintf(c.Interaction.Notify, "Log in by visiting this link:\n  %s\n", authURL)
		}
	}
	timeout := c.Config.CallbackTimeout
	if timeout <= 0 {
		timeout = DefaultCallbackTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		return nil, &CallbackTimeoutError{Timeout: timeout}
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	if res.err != nil {
		return nil, res.err
	}
	tok, err := cfg.Exchange(ctx, res.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenError(c.Config.Issuer, "code exchange", err)
	}
	return tok, nil
}

// supervisorPasswordLogin is the Pinniped Supervisor's CLI password flow
// for LDAP and Active Directory upstreams: the authorize request carries
// the username and password in Pinniped-Username / Pinniped-Password
// headers and the Supervisor answers with a redirect holding the code,
// which is not followed but exchanged (with PKCE) directly.
func (c *Client) supervisorPasswordLogin(ctx context.Context, p *gooidc.Provider) (*oauth2.Token, error) {
	user, pass, err := c.credentials(ctx)
	if err != nil {
		return nil, err
	}
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", c.Config.ListenPort)
	cfg := c.oauth2Config(p, redirect)
	verifier, state := oauth2.GenerateVerifier(), randomString()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.AuthCodeURL(state, c.authParams(verifier)...), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Pinniped-Username", user)
	req.Header.Set("Pinniped-Password", pass)
	noRedirect := *c.HTTP
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return nil, classifyIssuerError(c.Config.Issuer, err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode/100 != 3 || err != nil || loc.String() == "" {
		return nil, &LoginError{Issuer: c.Config.Issuer, Op: "password login", Code: fmt.Sprintf("HTTP %d", resp.StatusCode), Description: "the Supervisor did not redirect with a code"}
	}
	q := loc.Query()
	if q.Get("error") != "" {
		return nil, &LoginError{Issuer: c.Config.Issuer, Op: "password login", Code: q.Get("error"), Description: q.Get("error_description")}
	}
	if q.Get("state") != state || q.Get("code") == "" {
		return nil, &LoginError{Issuer: c.Config.Issuer, Op: "password login", Code: "invalid_response", Description: "the redirect has no code for this login"}
	}
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, tokenError(c.Config.Issuer, "code exchange", err)
	}
	return tok, nil
}

// OpenBrowser opens url with the desktop's opener (xdg-open, open) when a
// display is available, and reports an error otherwise.
func OpenBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no display")
		}
		path, err := exec.LookPath("xdg-open")
		if err != nil {
			return err
		}
		cmd = exec.Command(path, u)
	}
	return cmd.Start()
}
