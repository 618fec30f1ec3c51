package oidc

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Claims are the claims of an ID token, decoded for display. The token's
// signature was verified when it was cached; it is not shown.
type Claims struct {
	Issuer   string         `json:"issuer"`
	Subject  string         `json:"subject"`
	Audience []string       `json:"audience"`
	Email    string         `json:"email,omitempty"`
	Username string         `json:"username,omitempty"`
	Groups   []string       `json:"groups,omitempty"`
	IssuedAt time.Time      `json:"issuedAt,omitzero"`
	Expiry   time.Time      `json:"expiry,omitzero"`
	All      map[string]any `json:"claims"`
}

// DecodeClaims reads a JWT's payload without verifying it.
func DecodeClaims(jwt string) (*Claims, error) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return nil, errors.New("the cached ID token is not a JWT")
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil, fmt.Errorf("decoding the cached ID token: %w", err)
	}
	var all map[string]any
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, fmt.Errorf("decoding the cached ID token: %w", err)
	}
	c := &Claims{All: all}
	c.Issuer, _ = all["iss"].(string)
	c.Subject, _ = all["sub"].(string)
	c.Email, _ = all["email"].(string)
	c.Username, _ = all["username"].(string)
	if c.Username == "" {
		c.Username, _ = all["name"].(string)
	}
	switch aud := all["aud"].(type) {
	case string:
		c.Audience = []string{aud}
	case []any:
		c.Audience = strs(aud)
	}
	if g, ok := all["groups"].([]any); ok {
		c.Groups = strs(g)
	}
	if v, ok := all["iat"].(float64); ok {
		c.IssuedAt = time.Unix(int64(v), 0).UTC()
	}
	if v, ok := all["exp"].(float64); ok {
		c.Expiry = time.Unix(int64(v), 0).UTC()
	}
	return c, nil
}

func strs(in []any) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
