package vsphere

import (
	"path/filepath"
	"sort"
	"time"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/oidc"
)

// SessionsFile holds vSphere sessions, beside the OIDC caches (mode 0600,
// replaced atomically).
const SessionsFile = "vsphere-sessions.json"

const sessionsKind = "TKOVSphereSessionCache"

// Store is the vSphere session cache.
type Store struct {
	Path    string
	Notices []oidc.Notice // what the cache did about its file; never a token
}

// NewStore uses dir (the user config directory's tko/ when empty).
func NewStore(dir string) (*Store, error) {
	if dir == "" {
		d, err := oidc.DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	return &Store{Path: filepath.Join(dir, SessionsFile)}, nil
}

// Key names a session: server, user and guest cluster.
func Key(server, user string, guest *Guest) string {
	ns, name := "", ""
	if guest != nil {
		ns, name = guest.Namespace, guest.Name
	}
	return oidc.Key("vsphere", server, user, ns, name)
}

func (s *Store) read() (map[string]Session, error) {
	m, notices, err := oidc.ReadCache[Session](s.Path, sessionsKind)
	s.Notices = append(s.Notices, notices...)
	return m, err
}

// Get returns the cached session, or nil.
func (s *Store) Get(server, user string, guest *Guest) (*Session, error) {
	m, err := s.read()
	if err != nil {
		return nil, err
	}
	if sess, ok := m[Key(server, user, guest)]; ok {
		return &sess, nil
	}
	return nil, nil
}

// Put stores sessions, each under its own key.
func (s *Store) Put(sessions ...*Session) error {
	m, err := s.read()
	if err != nil {
		return err
	}
	for _, sess := range sessions {
		m[Key(sess.Server, sess.User, sess.Guest)] = *sess
	}
	return oidc.WriteCache(s.Path, sessionsKind, m)
}

// List returns every session, by server, user and guest.
func (s *Store) List() ([]Session, error) {
	m, err := s.read()
	if err != nil {
		return nil, err
	}
	out := make([]Session, 0, len(m))
	for _, sess := range m {
		out = append(out, sess)
	}
	sortSessions(out)
	return out, nil
}

// Forget removes the sessions of server ("" for every server) and returns
// them; with dryRun nothing is removed.
func (s *Store) Forget(server string, dryRun bool) ([]Session, error) {
	m, err := s.read()
	if err != nil {
		return nil, err
	}
	var gone []Session
	for k, sess := range m {
		if server == "" || sess.Server == server {
			gone = append(gone, sess)
			delete(m, k)
		}
	}
	sortSessions(gone)
	if len(gone) == 0 || dryRun {
		return gone, nil
	}
	return gone, oidc.WriteCache(s.Path, sessionsKind, m)
}

func sortSessions(ss []Session) {
	sort.Slice(ss, func(i, j int) bool {
		a, b := ss[i], ss[j]
		if a.Server != b.Server {
			return a.Server < b.Server
		}
		if a.User != b.User {
			return a.User < b.User
		}
		return a.Guest.String() < b.Guest.String()
	})
}

// State says how a session stands at now: "expires at T" or "expired at T".
func (s Session) State(now time.Time) string {
	at := s.Expiry.UTC().Format(time.RFC3339)
	if s.Valid(now, 0) {
		return "expires at " + at
	}
	return "expired at " + at
}
