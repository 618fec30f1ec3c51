// Package semver parses and orders the semantic versions of TKRs, TKG
// configuration files and krew manifests with kapp-controller's own
// library, github.com/carvel-dev/semver/v4, which parses by hand:
// github.com/Masterminds/semver/v3 compiles four regular expressions when
// a binary starts, whether or not it parses anything, the largest single
// cost of a plugin's start-up. This package keeps the small API the
// callers used (NewVersion, StrictNewVersion, comparisons); a test holds
// its answers to Masterminds' on the versions we meet.
package semver

import (
	"errors"
	"fmt"
	"strings"

	carvel "github.com/carvel-dev/semver/v4"
)

// ErrInvalidSemVer is every parse error, with the cause after it.
var ErrInvalidSemVer = errors.New("invalid semantic version")

// maxLen bounds what is parsed, as Masterminds does.
const maxLen = 256

// Version is a parsed semantic version.
type Version struct {
	v        carvel.Version
	original string
}

// StrictNewVersion parses MAJOR.MINOR.PATCH[-PRE][+META], without a
// leading v and without leading zeros.
func StrictNewVersion(s string) (*Version, error) {
	if len(s) > maxLen {
		return nil, invalid(s[:16]+"...", fmt.Errorf("longer than %d bytes", maxLen))
	}
	if !numericCore(s) {
		return nil, invalid(s, errors.New("not MAJOR.MINOR.PATCH numbers"))
	}
	v, err := carvel.Parse(s)
	if err != nil {
		return nil, invalid(s, err)
	}
	return &Version{v: v, original: s}, nil
}

// NewVersion parses a version as people write it: with or without a
// leading v, and with the minor and patch left out (v1.30 is v1.30.0).
func NewVersion(s string) (*Version, error) {
	if len(s) > maxLen {
		return nil, invalid(s[:16]+"...", fmt.Errorf("longer than %d bytes", maxLen))
	}
	if strings.TrimSpace(s) != s || strings.HasPrefix(s, "vv") {
		return nil, invalid(s, errors.New("not a version"))
	}
	if !numericCore(strings.TrimPrefix(s, "v")) {
		return nil, invalid(s, errors.New("not MAJOR[.MINOR[.PATCH]] numbers"))
	}
	v, err := carvel.ParseTolerant(s)
	if err != nil {
		return nil, invalid(s, err)
	}
	return &Version{v: v, original: s}, nil
}

// numericCore reports whether what comes before the pre-release or build
// metadata is dot-separated numbers, none empty: the carvel parser takes
// an empty patch before build metadata (0.0.+0).
func numericCore(s string) bool {
	core := s
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		core = s[:i]
	}
	for part := range strings.SplitSeq(core, ".") {
		if part == "" || strings.Trim(part, "0123456789") != "" {
			return false
		}
	}
	return true
}

func invalid(s string, err error) error {
	msg := err.Error()
	if msg != "" {
		msg = strings.ToLower(msg[:1]) + msg[1:]
	}
	return fmt.Errorf("%w %q: %s", ErrInvalidSemVer, s, msg)
}

func (v Version) Major() uint64 { return v.v.Major }
func (v Version) Minor() uint64 { return v.v.Minor }
func (v Version) Patch() uint64 { return v.v.Patch }

// Prerelease is what follows the first -, without the build metadata.
func (v Version) Prerelease() string {
	parts := make([]string, len(v.v.Pre))
	for i, p := range v.v.Pre {
		parts[i] = p.String()
	}
	return strings.Join(parts, ".")
}

// Metadata is what follows the +.
func (v Version) Metadata() string {
	parts := make([]string, len(v.v.Build))
	for i, b := range v.v.Build {
		parts[i] = b.VersionStr
	}
	return strings.Join(parts, ".")
}

// Original is the string parsed.
func (v *Version) Original() string { return v.original }

// String is MAJOR.MINOR.PATCH[-PRE][+META], without a leading v.
func (v Version) String() string { return v.v.String() }

// Compare orders by precedence: -1, 0 or 1. Build metadata does not
// order, as semver 2.0 says (the carvel library orders it, for packages:
// v1.30.2+vmware.1 and +vmware.2 are the same Kubernetes here).
func (v *Version) Compare(o *Version) int {
	a, b := v.v, o.v
	a.Build, b.Build = nil, nil
	return a.Compare(b)
}

func (v *Version) LessThan(o *Version) bool    { return v.Compare(o) < 0 }
func (v *Version) GreaterThan(o *Version) bool { return v.Compare(o) > 0 }
func (v *Version) Equal(o *Version) bool       { return v.Compare(o) == 0 }
