// Package semver parses and orders semantic versions as
// github.com/Masterminds/semver/v3 does (the subset we use: NewVersion,
// StrictNewVersion and comparison), by hand. That library compiles two
// regular expressions for versions and two more for constraints when a
// binary starts, whether or not it parses anything: the largest single
// cost of a plugin's start-up. A test holds this package to its answers.
package semver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The library's errors, with its messages.
var (
	ErrInvalidSemVer      = errors.New("invalid semantic version")
	ErrEmptyString        = errors.New("version string empty")
	ErrInvalidCharacters  = errors.New("invalid characters in version")
	ErrSegmentStartsZero  = errors.New("version segment starts with 0")
	ErrInvalidMetadata    = errors.New("invalid metadata string")
	ErrInvalidPrerelease  = errors.New("invalid prerelease string")
	ErrVersionTooLong     = fmt.Errorf("version string is too long (max %d bytes)", MaxVersionLen)
	errParsingSegmentText = "error parsing version segment: %w"
)

// MaxVersionLen bounds what is parsed.
const MaxVersionLen = 256

// Version is a parsed semantic version.
type Version struct {
	major, minor, patch uint64
	pre, metadata       string
	original            string
}

// StrictNewVersion parses MAJOR.MINOR.PATCH[-PRE][+META], without a
// leading v and without leading zeros.
func StrictNewVersion(v string) (*Version, error) {
	if v == "" {
		return nil, ErrEmptyString
	}
	if len(v) > MaxVersionLen {
		return nil, ErrVersionTooLong
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return nil, ErrInvalidSemVer
	}
	sv := &Version{original: v}
	if rest, meta, ok := strings.Cut(parts[2], "+"); ok {
		sv.metadata, parts[2] = meta, rest
		if err := validateMetadata(meta); err != nil {
			return nil, err
		}
	}
	if rest, pre, ok := strings.Cut(parts[2], "-"); ok {
		sv.pre, parts[2] = pre, rest
		if err := validatePrerelease(pre); err != nil {
			return nil, err
		}
	}
	for _, p := range parts {
		if !allDigits(p) {
			return nil, ErrInvalidCharacters
		}
		if len(p) > 1 && p[0] == '0' {
			return nil, ErrSegmentStartsZero
		}
	}
	var err error
	if sv.major, err = strconv.ParseUint(parts[0], 10, 64); err != nil {
		return nil, err
	}
	if sv.minor, err = strconv.ParseUint(parts[1], 10, 64); err != nil {
		return nil, err
	}
	if sv.patch, err = strconv.ParseUint(parts[2], 10, 64); err != nil {
		return nil, err
	}
	return sv, nil
}

// NewVersion parses a version loosely: an optional v, and 1 or 1.2 read
// as 1.0.0 and 1.2.0; leading zeros are allowed.
func NewVersion(v string) (*Version, error) {
	if len(v) > MaxVersionLen {
		return nil, ErrVersionTooLong
	}
	// The library's pattern: v?N(.N)?(.N)?(-IDS)?(+IDS)? where IDS are
	// dot-separated non-empty runs of [0-9A-Za-z-].
	s := strings.TrimPrefix(v, "v")
	var segs [3]string
	n := 0
	for n < 3 {
		if n > 0 {
			if !strings.HasPrefix(s, ".") {
				break
			}
			s = s[1:]
		}
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 {
			return nil, ErrInvalidSemVer
		}
		segs[n], s = s[:i], s[i:]
		n++
	}
	sv := &Version{original: v}
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		end := strings.IndexByte(rest, '+')
		if end < 0 {
			end = len(rest)
		}
		if !identifiers(rest[:end]) {
			return nil, ErrInvalidSemVer
		}
		sv.pre, s = rest[:end], rest[end:]
	}
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		if !identifiers(rest) {
			return nil, ErrInvalidSemVer
		}
		sv.metadata, s = rest, ""
	}
	if s != "" {
		return nil, ErrInvalidSemVer
	}
	out := []*uint64{&sv.major, &sv.minor, &sv.patch}
	for i := range n {
		x, err := strconv.ParseUint(segs[i], 10, 64)
		if err != nil {
			return nil, fmt.Errorf(errParsingSegmentText, err)
		}
		*out[i] = x
	}
	if sv.pre != "" {
		if err := validatePrerelease(sv.pre); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

// identifiers says whether s is dot-separated non-empty runs of
// [0-9A-Za-z-].
func identifiers(s string) bool {
	if s == "" {
		return false
	}
	for _, id := range strings.Split(s, ".") {
		if id == "" || !allowedOnly(id) {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func allowedOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		digit, lower, upper := c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z'
		if !digit && !lower && !upper && c != '-' {
			return false
		}
	}
	return true
}

func validatePrerelease(p string) error {
	for _, id := range strings.Split(p, ".") {
		switch {
		case id == "":
			return ErrInvalidPrerelease
		case allDigits(id):
			if len(id) > 1 && id[0] == '0' {
				return ErrSegmentStartsZero
			}
		case !allowedOnly(id):
			return ErrInvalidPrerelease
		}
	}
	return nil
}

func validateMetadata(m string) error {
	for _, id := range strings.Split(m, ".") {
		if id == "" || !allowedOnly(id) {
			return ErrInvalidMetadata
		}
	}
	return nil
}

// Major, Minor, Patch, Prerelease and Metadata are the version's parts.
func (v Version) Major() uint64      { return v.major }
func (v Version) Minor() uint64      { return v.minor }
func (v Version) Patch() uint64      { return v.patch }
func (v Version) Prerelease() string { return v.pre }
func (v Version) Metadata() string   { return v.metadata }

// Original is the string that was parsed.
func (v *Version) Original() string { return v.original }

// String is the version in canonical form, without a v.
func (v Version) String() string {
	s := strconv.FormatUint(v.major, 10) + "." + strconv.FormatUint(v.minor, 10) + "." + strconv.FormatUint(v.patch, 10)
	if v.pre != "" {
		s += "-" + v.pre
	}
	if v.metadata != "" {
		s += "+" + v.metadata
	}
	return s
}

// LessThan, GreaterThan and Equal order by semantic version precedence;
// build metadata does not count.
func (v *Version) LessThan(o *Version) bool    { return v.Compare(o) < 0 }
func (v *Version) GreaterThan(o *Version) bool { return v.Compare(o) > 0 }
func (v *Version) Equal(o *Version) bool {
	if v == o {
		return true
	}
	if v == nil || o == nil {
		return false
	}
	return v.Compare(o) == 0
}

// Compare is -1, 0 or 1 as v is older than, as new as or newer than o.
func (v *Version) Compare(o *Version) int {
	for _, d := range []int{cmpUint(v.major, o.major), cmpUint(v.minor, o.minor), cmpUint(v.patch, o.patch)} {
		if d != 0 {
			return d
		}
	}
	switch {
	case v.pre == "" && o.pre == "":
		return 0
	case v.pre == "":
		return 1
	case o.pre == "":
		return -1
	}
	sp, op := strings.Split(v.pre, "."), strings.Split(o.pre, ".")
	for i := range max(len(sp), len(op)) {
		var s, t string
		if i < len(sp) {
			s = sp[i]
		}
		if i < len(op) {
			t = op[i]
		}
		if d := comparePrePart(s, t); d != 0 {
			return d
		}
	}
	return 0
}

func cmpUint(a, b uint64) int {
	switch {
	case a > b:
		return 1
	case a < b:
		return -1
	}
	return 0
}

// comparePrePart orders two prerelease identifiers: a missing one first,
// numbers before words, numbers by value, words by bytes.
func comparePrePart(s, o string) int {
	if s == o {
		return 0
	}
	if s == "" {
		return -1
	}
	if o == "" {
		return 1
	}
	oi, errO := strconv.ParseUint(o, 10, 64)
	si, errS := strconv.ParseUint(s, 10, 64)
	switch {
	case errO != nil && errS != nil:
		if s > o {
			return 1
		}
		return -1
	case errO != nil:
		return -1
	case errS != nil:
		return 1
	case si > oi:
		return 1
	}
	return -1
}
