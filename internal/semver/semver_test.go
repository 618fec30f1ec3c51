package semver

import (
	"errors"
	"testing"

	masterminds "github.com/Masterminds/semver/v3"
)

// corpus is versions as TKRs, TKG config files, krew manifests and users
// write them, and the edge cases of the grammar.
var corpus = []string{
	"", "v", "1", "v1", "1.2", "v1.2", "1.2.3", "v1.30.2", "v1.30.2+vmware.1", "1.30.2+vmware.1-tkg.1",
	"v1.29.9+vmware.1-fips.1-tkg.2", "1.2.3-rc.1", "1.2.3-rc.1+build.5", "1.2.3-alpha.beta", "1.2.3-alpha.10",
	"1.2.3-alpha.9", "1.2.3-0", "1.2.3-01", "1.2.3-a.01", "01.2.3", "1.02.3", "1.2.03", "1.2.3-", "1.2.3+",
	"1.2.3+a..b", "1.2.3-a..b", "1.2.3-a_b", "1.2.3+a+b", "1.2.3.4", "1..2", "1.", ".1", "vv1", "V1.2.3",
	"1.2.3--", "1.2.3-x-y.z", "18446744073709551615.0.0", "18446744073709551616.0.0",
	" 1.2.3", "1.2.3 ", "1.2.3-rc.1.2.3.4.5", "0.0.0", "1.2.3-ä", "1.2.3+ä",
}

// refused are versions Masterminds' loose parser takes and kapp-controller's
// library refuses: a pre-release on a short version, and a numeric
// pre-release past uint64. No TKR, TKG file or krew manifest writes them.
var refused = []string{"1.2-rc", "1-rc.1", "1.2.3-18446744073709551616"}

func TestParsingAgreesWithMasterminds(t *testing.T) {
	for _, v := range corpus {
		for _, parse := range []struct {
			name string
			ours func(string) (*Version, error)
			ref  func(string) (*masterminds.Version, error)
		}{{"NewVersion", NewVersion, masterminds.NewVersion}, {"StrictNewVersion", StrictNewVersion, masterminds.StrictNewVersion}} {
			got, err := parse.ours(v)
			want, wantErr := parse.ref(v)
			if (err == nil) != (wantErr == nil) {
				t.Errorf("%s(%q): error %v, want %v", parse.name, v, err, wantErr)
				continue
			}
			if err != nil {
				if !errors.Is(err, ErrInvalidSemVer) {
					t.Errorf("%s(%q): %v is not ErrInvalidSemVer", parse.name, v, err)
				}
				continue
			}
			if got.String() != want.String() || got.Original() != want.Original() || got.Prerelease() != want.Prerelease() || got.Metadata() != want.Metadata() {
				t.Errorf("%s(%q) = %s (pre %q, meta %q), want %s (pre %q, meta %q)", parse.name, v, got, got.Prerelease(), got.Metadata(), want, want.Prerelease(), want.Metadata())
			}
		}
	}
	for _, v := range refused {
		if _, err := NewVersion(v); !errors.Is(err, ErrInvalidSemVer) {
			t.Errorf("NewVersion(%q): %v, want ErrInvalidSemVer", v, err)
		}
	}
}

func TestOrderAgreesWithMasterminds(t *testing.T) {
	var ours []*Version
	var refs []*masterminds.Version
	for _, v := range corpus {
		if o, err := NewVersion(v); err == nil {
			r, _ := masterminds.NewVersion(v)
			ours, refs = append(ours, o), append(refs, r)
		}
	}
	if len(ours) < 20 {
		t.Fatalf("only %d versions parse", len(ours))
	}
	for i := range ours {
		for j := range ours {
			if got, want := ours[i].Compare(ours[j]), refs[i].Compare(refs[j]); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", ours[i].Original(), ours[j].Original(), got, want)
			}
			if ours[i].LessThan(ours[j]) != refs[i].LessThan(refs[j]) || ours[i].Equal(ours[j]) != refs[i].Equal(refs[j]) || ours[i].GreaterThan(ours[j]) != refs[i].GreaterThan(refs[j]) {
				t.Errorf("LessThan/Equal/GreaterThan(%s, %s) disagree", ours[i].Original(), ours[j].Original())
			}
		}
	}
}

func TestBuildMetadataDoesNotOrder(t *testing.T) {
	a, _ := NewVersion("v1.30.2+vmware.1-tkg.1")
	b, _ := NewVersion("v1.30.2+vmware.1-tkg.2")
	c, _ := NewVersion("v1.30.2-rc.1+vmware.1")
	if !a.Equal(b) || !c.LessThan(a) || a.Major() != 1 || a.Minor() != 30 || a.Patch() != 2 {
		t.Errorf("a=%s b=%s c=%s: want a == b > c", a, b, c)
	}
	if _, err := StrictNewVersion("v1.2.3"); !errors.Is(err, ErrInvalidSemVer) {
		t.Errorf("strict v1.2.3: %v, want %v", err, ErrInvalidSemVer)
	}
}

// FuzzAgreesWithMasterminds checks any pair of strings the fuzzer finds:
// what this package takes, Masterminds takes too, and orders the same.
func FuzzAgreesWithMasterminds(f *testing.F) {
	for _, v := range corpus {
		f.Add(v, "1.2.3-rc.1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		oa, errA := NewVersion(a)
		ra, refErrA := masterminds.NewVersion(a)
		if errA == nil && refErrA != nil {
			t.Fatalf("NewVersion(%q) = %s, Masterminds refuses it: %v", a, oa, refErrA)
		}
		if s, err := StrictNewVersion(a); err == nil {
			if _, refErr := masterminds.StrictNewVersion(a); refErr != nil {
				t.Fatalf("StrictNewVersion(%q) = %s, Masterminds refuses it: %v", a, s, refErr)
			}
		}
		ob, errB := NewVersion(b)
		rb, refErrB := masterminds.NewVersion(b)
		if errA == nil && errB == nil && refErrB == nil && oa.Compare(ob) != ra.Compare(rb) {
			t.Fatalf("Compare(%q, %q) = %d, want %d", a, b, oa.Compare(ob), ra.Compare(rb))
		}
	})
}
