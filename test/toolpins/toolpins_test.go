// Package toolpins checks the pins of hack/tools.sh against what the package
// registries serve now, never against the tools cache: a cached machine
// hides a pin that a fresh machine can no longer fetch.
package toolpins

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// pins reads the upstream versions hack/tools.sh pins (NAME_version=V).
func pins(t *testing.T) map[string]string {
	t.Helper()
	script, err := os.ReadFile(toolsScript(t))
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, line := range strings.Split(string(script), "\n") {
		if name, version, ok := strings.Cut(line, "_version="); ok && !strings.ContainsAny(name, " \t$") {
			found[name] = version
		}
	}
	return found
}

// toolsScript is hack/tools.sh, from this package's directory (go test runs
// each package in its own).
func toolsScript(t *testing.T) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "..", "hack", "tools.sh"))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// resolve runs hack/tools.sh --resolve with an empty tools cache and the
// given PATH prefix (fake apt tools), returning stdout, stderr and the error.
func resolve(t *testing.T, pathPrefix string, tools ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command("bash", append([]string{toolsScript(t), "--resolve"}, tools...)...)
	cmd.Env = append(os.Environ(), "TKO_TOOLS_DIR="+t.TempDir())
	if pathPrefix != "" {
		cmd.Env = append(cmd.Env, "PATH="+pathPrefix+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TestDebianPinsResolve asks Debian's package index, as hack/tools.sh does on
// a fresh machine, for every Debian peer: this is the check that fails when
// Debian drops the upstream version a pin names.
func TestDebianPinsResolve(t *testing.T) {
	if testing.Short() {
		t.Skip("asks Debian's package index (it may refresh it): not a -short test")
	}
	if _, err := exec.LookPath("apt-cache"); err != nil {
		t.Skip("no apt-cache: hack/tools.sh fetches its Debian peers only on Debian or Ubuntu")
	}
	stdout, stderr, err := resolve(t, "")
	if err != nil {
		t.Fatalf("hack/tools.sh --resolve: %v\n%s", err, stderr)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		tool, packages, _ := strings.Cut(line, " ")
		got[tool] = packages
	}
	pinned := pins(t)
	for tool, pkg := range map[string]string{"prometheus": "prometheus=", "alertmanager": "prometheus-alertmanager=", "slapd": "slapd="} {
		want := pinned[tool]
		if want == "" {
			t.Fatalf("hack/tools.sh pins no %s_version", tool)
		}
		if !strings.HasPrefix(got[tool], pkg+want) {
			t.Errorf("%s resolves to %q, want upstream %s", tool, got[tool], want)
		}
	}
	// slapd depends on exactly its own version of libldap.
	if slapd, _, _ := strings.Cut(got["slapd"], " "); !strings.Contains(got["slapd"], " libldap-2.5-0="+strings.TrimPrefix(slapd, "slapd=")+" ") {
		t.Errorf("slapd resolves to %q, want libldap-2.5-0 of the same version beside it", got["slapd"])
	}
	if !strings.HasPrefix(got["chromium"], "chromium=") || !strings.Contains(got["chromium"], "chromium-common=") {
		t.Errorf("chromium resolves to %q, want chromium and chromium-common of one version", got["chromium"])
	}
}

// fakeAptCache offers the prometheus versions listed in $FAKE_APT/offers
// (candidate first), or in $FAKE_APT/offers-updated once apt-get update has
// run: an index that is missing or stale until refreshed.
const fakeAptCache = `#!/bin/sh
offers=$FAKE_APT/offers
[ -f "$FAKE_APT/updated" ] && [ -f "$FAKE_APT/offers-updated" ] && offers=$FAKE_APT/offers-updated
[ "$2" = prometheus ] || exit 0
case $1 in
policy) printf 'prometheus:\n  Installed: (none)\n  Candidate: %s\n' "$(head -n1 "$offers" | grep . || echo '(none)')" ;;
madison) while read -r v; do
    echo " prometheus | $v | http://archive bookworm/main amd64 Packages"
    echo " prometheus | $v | http://archive bookworm/main Sources"
  done <"$offers" ;;
esac
`

// fakeAptGet refreshes the fake index, and downloads only what the archive
// serves ($FAKE_APT/served), as the .deb of $FAKE_APT/prometheus.deb.
const fakeAptGet = `#!/bin/sh
case $1 in
update) touch "$FAKE_APT/updated" ;;
download) shift
  grep -qxF "$1" "$FAKE_APT/served" || { echo "E: Version '${1#*=}' for 'prometheus' was not found"; exit 100; }
  cp "$FAKE_APT/prometheus.deb" "prometheus_${1#*=}_amd64.deb" ;;
esac
`

// fakeApt puts apt-cache, apt-get and a root id on a PATH prefix it returns;
// the index offers `offers` and, after apt-get update, `updated` (when set).
func fakeApt(t *testing.T, offers, updated []string) (pathPrefix, state string) {
	t.Helper()
	bin, state := t.TempDir(), t.TempDir()
	write := func(path, body string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(bin, "apt-cache"), fakeAptCache, 0o755)
	write(filepath.Join(bin, "apt-get"), fakeAptGet, 0o755)
	write(filepath.Join(bin, "id"), "#!/bin/sh\necho 0\n", 0o755)
	lines := func(vs []string) string {
		if len(vs) == 0 {
			return ""
		}
		return strings.Join(vs, "\n") + "\n"
	}
	write(filepath.Join(state, "offers"), lines(offers), 0o644)
	if updated != nil {
		write(filepath.Join(state, "offers-updated"), lines(updated), 0o644)
	}
	t.Setenv("FAKE_APT", state)
	return bin, state
}

func TestDebianPinByUpstreamVersion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		versions []string
		updated  []string // offered after apt-get update, when set
		want     string   // the package line, or the one error line's words
		wantErr  bool
	}{
		{name: "security update of the pinned upstream", versions: []string{"2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "binary rebuild", versions: []string{"2.42.0+ds-5+b6"}, want: "prometheus=2.42.0+ds-5+b6"},
		{name: "with an epoch", versions: []string{"1:2.42.0-1"}, want: "prometheus=1:2.42.0-1"},
		{name: "candidate of another upstream, older one still offered", versions: []string{"2.45.1+ds-1", "2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "index missing: refreshed once", updated: []string{"2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "upstream gone", versions: []string{"2.45.1+ds-1"}, wantErr: true,
			want: "prometheus: wanted upstream 2.42.0, Debian offers prometheus 2.45.1+ds-1: pin a version Debian serves in hack/tools.sh"},
		{name: "no such package", wantErr: true, want: "Debian offers no prometheus package here (wanted upstream 2.42.0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bin, _ := fakeApt(t, tc.versions, tc.updated)
			t.Setenv("TKO_APT_NO_REFRESH", "1") // the lazy refresh, as a fetch does
			stdout, stderr, err := resolve(t, bin, "prometheus")
			if tc.wantErr {
				if err == nil {
					t.Fatalf("resolved %q, want a failure", stdout)
				}
				lines := strings.Split(strings.TrimSpace(stderr), "\n")
				if last := lines[len(lines)-1]; !strings.Contains(last, tc.want) {
					t.Fatalf("stderr %q, want one line containing %q", stderr, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("%v: %s", err, stderr)
			}
			if got := strings.TrimSpace(stdout); got != "prometheus "+tc.want {
				t.Fatalf("resolved %q, want %q", got, "prometheus "+tc.want)
			}
		})
	}
}

// TestStaleIndexRefetch fetches prometheus through an index that still names
// a revision the archive dropped (as bookworm dropped 2.42.0+ds-5+b6): the
// download fails, the index is refreshed once, and the revision Debian
// serves now is fetched and cached under its exact version.
func TestStaleIndexRefetch(t *testing.T) {
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("no dpkg-deb to build the stand-in package")
	}
	bin, state := fakeApt(t, []string{"2.42.0+ds-5+b6"}, []string{"2.42.0+ds-5+deb12u1"})
	if err := os.WriteFile(filepath.Join(state, "served"), []byte("prometheus=2.42.0+ds-5+deb12u1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pkg := filepath.Join(t.TempDir(), "pkg")
	for path, body := range map[string]string{
		"DEBIAN/control":     "Package: prometheus\nVersion: 2.42.0+ds-5+deb12u1\nArchitecture: amd64\nMaintainer: test <test@example.org>\nDescription: stand-in\n",
		"usr/bin/prometheus": "#!/bin/sh\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(pkg, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, path), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command("dpkg-deb", "--build", pkg, filepath.Join(state, "prometheus.deb")).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v: %s", err, out)
	}
	cache := t.TempDir()
	cmd := exec.Command("bash", toolsScript(t), "prometheus")
	cmd.Env = append(os.Environ(), "TKO_TOOLS_DIR="+cache, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/tools.sh prometheus: %v\n%s", err, out)
	}
	exact := filepath.Join(cache, "debian", "prometheus-2.42.0+ds-5+deb12u1")
	if _, err := os.Stat(filepath.Join(exact, "root", "usr", "bin", "prometheus")); err != nil {
		t.Fatalf("not cached under the exact version fetched: %v", err)
	}
	if link, err := os.Readlink(filepath.Join(cache, "debian", "prometheus-2.42.0")); err != nil || link != filepath.Base(exact) {
		t.Fatalf("prometheus-2.42.0 links to %q (%v), want %s", link, err, filepath.Base(exact))
	}
	if _, err := os.Stat(filepath.Join(cache, "debian", "prometheus-2.42.0+ds-5+b6")); !os.IsNotExist(err) {
		t.Fatalf("the failed download of the dropped revision was left in the cache (%v)", err)
	}
}
