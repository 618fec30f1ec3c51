package vsphere

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
)

// loginRequest is the body of POST /wcp/login: {} for the Supervisor.
type loginRequest struct {
	GuestName      string `json:"guest_cluster_name,omitempty"`
	GuestNamespace string `json:"guest_cluster_namespace,omitempty"`
}

// loginResponse is its answer; the guest fields only for a guest cluster.
type loginResponse struct {
	SessionID   string `json:"session_id"`
	GuestServer string `json:"guest_cluster_server"`
	GuestCA     string `json:"guest_cluster_ca"`
}

// Login trades the user's credentials for a session at POST /wcp/login
// (HTTP Basic authentication), for the Supervisor or, with guest, for that
// guest cluster.
func Login(ctx context.Context, hc *http.Client, server Server, creds Credentials, guest *Guest) (*Session, error) {
	return login(ctx, hc, server, creds.Username, guest, func(r *http.Request) { r.SetBasicAuth(creds.Username, creds.Password) })
}

// Exchange trades a Supervisor session for a guest cluster's, presenting
// its token as a bearer token at /wcp/login instead of the password.
func Exchange(ctx context.Context, hc *http.Client, server Server, supervisor *Session, guest *Guest) (*Session, error) {
	return login(ctx, hc, server, supervisor.User, guest, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+supervisor.Token) })
}

func login(ctx context.Context, hc *http.Client, server Server, user string, guest *Guest, auth func(*http.Request)) (*Session, error) {
	body := loginRequest{}
	if guest != nil {
		body = loginRequest{GuestName: guest.Name, GuestNamespace: guest.Namespace}
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, server.URL("/wcp/login"), bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	auth(req)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, connectError(server.URL(""), err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, connectError(server.URL(""), err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, &RejectedError{Server: server.String(), User: user}
	case resp.StatusCode == http.StatusNotFound && guest != nil:
		return nil, &GuestNotFoundError{Guest: *guest}
	case resp.StatusCode != http.StatusOK:
		// The body is not shown: it may echo what was sent.
		return nil, &LoginFailedError{Server: server.String(), Status: resp.StatusCode}
	}
	var lr loginResponse
	if err := json.Unmarshal(answer, &lr); err != nil || lr.SessionID == "" {
		return nil, &LoginFailedError{Server: server.String(), Status: resp.StatusCode, Problem: "the answer carries no session_id"}
	}
	expiry, err := Expiry(lr.SessionID)
	if err != nil {
		return nil, &LoginFailedError{Server: server.String(), Status: resp.StatusCode, Problem: err.Error()}
	}
	s := &Session{Server: server.String(), User: user, Token: lr.SessionID, Expiry: expiry}
	if guest != nil {
		g := *guest
		s.Guest, s.GuestServer, s.GuestCA = &g, lr.GuestServer, lr.GuestCA
		if lr.GuestServer == "" {
			return nil, &LoginFailedError{Server: server.String(), Status: resp.StatusCode, Problem: "the answer names no guest_cluster_server"}
		}
	}
	return s, nil
}

// Expiry reads the exp claim of a session token. The signature is not
// verified: the Supervisor verifies its own tokens on every request, and
// the expiry only tells when to log in again.
func Expiry(token string) (time.Time, error) {
	claims, err := oidc.DecodeClaims(token)
	if err != nil {
		return time.Time{}, fmt.Errorf("the session_id is not a JWT")
	}
	if claims.Expiry.IsZero() {
		return time.Time{}, fmt.Errorf("the session_id carries no expiry (exp)")
	}
	return claims.Expiry, nil
}
