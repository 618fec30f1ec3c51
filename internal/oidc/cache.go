package oidc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Session is what a login leaves behind for the next one: the provider's
// tokens. It is never printed; claims are read from IDToken.
type Session struct {
	IDToken            string    `json:"idToken,omitempty"`
	IDTokenExpiry      time.Time `json:"idTokenExpiry,omitzero"`
	AccessToken        string    `json:"accessToken,omitempty"`
	AccessTokenExpiry  time.Time `json:"accessTokenExpiry,omitzero"`
	RefreshToken       string    `json:"refreshToken,omitempty"`
	ClusterToken       string    `json:"clusterToken,omitempty"` // the token exchanged for --request-audience
	ClusterTokenExpiry time.Time `json:"clusterTokenExpiry,omitzero"`
	Issuer             string    `json:"issuer"`
	Updated            time.Time `json:"updated"`
}

// Credential is a cached cluster credential: what ExecCredential.status carries.
type Credential struct {
	Token                 string    `json:"token,omitempty"`
	ClientCertificateData string    `json:"clientCertificateData,omitempty"`
	ClientKeyData         string    `json:"clientKeyData,omitempty"`
	Expiry                time.Time `json:"expiry"`
	Session               string    `json:"session"` // the session key it came from, for logout
}

// Valid says whether a time-limited token is still good for margin.
func Valid(expiry time.Time, now time.Time, margin time.Duration) bool {
	return !expiry.IsZero() && expiry.After(now.Add(margin))
}

// Key identifies a cache entry: a digest of the parts, so two logins that
// differ in any part (issuer, client, scopes, audience, cluster) never
// share an entry.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// Cache files hold sessions and credentials, mode 0600 in a 0700 directory.
const (
	SessionsFile    = "sessions.json"
	CredentialsFile = "credentials.json"
)

// DefaultDir is the per-user cache directory: os.UserConfigDir()/tko.
func DefaultDir() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("locating the user config directory: %w", err)
	}
	return filepath.Join(dir, "tko"), nil
}

// Notice is something the cache did about a file the user should know of
// (a wide mode tightened, a corrupt file set aside); it never holds a token.
type Notice string

// file is a JSON map from key to entry.
type file[T any] struct {
	Kind    string       `json:"kind"`
	Entries map[string]T `json:"entries"`
}

// readFile loads a cache file. A missing file is empty; a corrupt one is
// ignored (and rewritten by the next write); a file others can read is
// tightened to 0600 first.
func readFile[T any](path, kind string) (map[string]T, []Notice, error) {
	var notices []Notice
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]T{}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the cache %s: %w", path, err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return nil, nil, &CacheModeError{Path: path, Mode: info.Mode().Perm()}
		}
		notices = append(notices, Notice(fmt.Sprintf("the cache %s was readable by others (mode %04o): restricted it to 0600", path, info.Mode().Perm())))
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, notices, fmt.Errorf("reading the cache %s: %w", path, err)
	}
	var f file[T]
	if err := json.Unmarshal(raw, &f); err != nil || f.Kind != kind {
		notices = append(notices, Notice(fmt.Sprintf("ignored the unreadable cache %s; it will be rewritten", path)))
		return map[string]T{}, notices, nil
	}
	if f.Entries == nil {
		f.Entries = map[string]T{}
	}
	return f.Entries, notices, nil
}

// writeFile replaces a cache file atomically, mode 0600.
func writeFile[T any](path, kind string, entries map[string]T) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("creating the cache directory: %w", err)
	}
	raw, err := json.MarshalIndent(file[T]{Kind: kind, Entries: entries}, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing the cache %s: %w", path, err)
	}
	return nil
}

// ReadCache loads a cache file of entries of kind, as the session and
// credential caches are read: a missing or corrupt file is empty, a file
// others can read is tightened to 0600 first (said in a Notice).
func ReadCache[T any](path, kind string) (map[string]T, []Notice, error) {
	return readFile[T](path, kind)
}

// WriteCache replaces a cache file atomically, mode 0600 in a 0700 directory.
func WriteCache[T any](path, kind string, entries map[string]T) error {
	return writeFile(path, kind, entries)
}

// CacheModeError is a cache file readable by others whose mode cannot be fixed.
type CacheModeError struct {
	Path string
	Mode fs.FileMode
}

func (e *CacheModeError) Error() string {
	return fmt.Sprintf("the cache %s is readable by others (mode %04o) and cannot be restricted", e.Path, e.Mode)
}

// Store is the pair of cache files. An empty path disables that cache.
type Store struct {
	SessionsPath    string
	CredentialsPath string
	Notices         []Notice
}

// NewStore uses dir (DefaultDir when empty) for both files.
func NewStore(dir string) (*Store, error) {
	if dir == "" {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return &Store{SessionsPath: filepath.Join(dir, SessionsFile), CredentialsPath: filepath.Join(dir, CredentialsFile)}, nil
}

const (
	sessionKind    = "TKOSessionCache"
	credentialKind = "TKOCredentialCache"
)

// Session returns the cached session under key, if any.
func (s *Store) Session(key string) (*Session, error) {
	if s.SessionsPath == "" {
		return nil, nil
	}
	m, notices, err := readFile[Session](s.SessionsPath, sessionKind)
	s.Notices = append(s.Notices, notices...)
	if err != nil {
		return nil, err
	}
	if sess, ok := m[key]; ok {
		return &sess, nil
	}
	return nil, nil
}

// PutSession stores (or, with nil, deletes) the session under key.
func (s *Store) PutSession(key string, sess *Session) error {
	return update(s, s.SessionsPath, sessionKind, key, sess)
}

// Credential returns the cached credential under key, if any.
func (s *Store) Credential(key string) (*Credential, error) {
	if s.CredentialsPath == "" {
		return nil, nil
	}
	m, notices, err := readFile[Credential](s.CredentialsPath, credentialKind)
	s.Notices = append(s.Notices, notices...)
	if err != nil {
		return nil, err
	}
	if c, ok := m[key]; ok {
		return &c, nil
	}
	return nil, nil
}

// PutCredential stores (or, with nil, deletes) the credential under key.
func (s *Store) PutCredential(key string, c *Credential) error {
	return update(s, s.CredentialsPath, credentialKind, key, c)
}

func update[T any](s *Store, path, kind, key string, v *T) error {
	if path == "" {
		return nil
	}
	m, notices, err := readFile[T](path, kind)
	s.Notices = append(s.Notices, notices...)
	if err != nil {
		return err
	}
	if v == nil {
		if _, ok := m[key]; !ok {
			return nil
		}
		delete(m, key)
	} else {
		m[key] = *v
	}
	return writeFile(path, kind, m)
}

// Forget removes a session and every credential made from it; it reports
// how many entries went.
func (s *Store) Forget(sessionKey string, dryRun bool) (int, error) {
	n := 0
	if s.SessionsPath != "" {
		m, notices, err := readFile[Session](s.SessionsPath, sessionKind)
		s.Notices = append(s.Notices, notices...)
		if err != nil {
			return 0, err
		}
		if _, ok := m[sessionKey]; ok {
			n++
			delete(m, sessionKey)
			if !dryRun {
				if err := writeFile(s.SessionsPath, sessionKind, m); err != nil {
					return 0, err
				}
			}
		}
	}
	if s.CredentialsPath != "" {
		m, notices, err := readFile[Credential](s.CredentialsPath, credentialKind)
		s.Notices = append(s.Notices, notices...)
		if err != nil {
			return n, err
		}
		before := len(m)
		for k, c := range m {
			if c.Session == sessionKey {
				delete(m, k)
			}
		}
		if removed := before - len(m); removed > 0 {
			n += removed
			if !dryRun {
				if err := writeFile(s.CredentialsPath, credentialKind, m); err != nil {
					return n, err
				}
			}
		}
	}
	return n, nil
}

// Clear removes both cache files and reports which existed.
func (s *Store) Clear() ([]string, error) {
	var removed []string
	for _, p := range []string{s.SessionsPath, s.CredentialsPath} {
		if p == "" {
			continue
		}
		err := os.Remove(p)
		if err == nil {
			removed = append(removed, p)
			continue
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("removing %s: %w", p, err)
		}
	}
	return removed, nil
}

// Sessions returns every cached session, sorted by key, for listings.
func (s *Store) Sessions() (map[string]Session, []string, error) {
	if s.SessionsPath == "" {
		return nil, nil, nil
	}
	m, notices, err := readFile[Session](s.SessionsPath, sessionKind)
	s.Notices = append(s.Notices, notices...)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return m, keys, err
}

// joinScopes is the canonical form of a scope list in keys.
func joinScopes(scopes []string) string {
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	return strings.Join(s, " ")
}
