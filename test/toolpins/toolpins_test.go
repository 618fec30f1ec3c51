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
	for tool, pkg := range map[string]string{"prometheus": "prometheus=", "alertmanager": "prometheus-alertmanager="} {
		want := pinned[tool]
		if want == "" {
			t.Fatalf("hack/tools.sh pins no %s_version", tool)
		}
		if !strings.HasPrefix(got[tool], pkg+want) {
			t.Errorf("%s resolves to %q, want upstream %s", tool, got[tool], want)
		}
	}
	if !strings.HasPrefix(got["chromium"], "chromium=") || !strings.Contains(got["chromium"], "chromium-common=") {
		t.Errorf("chromium resolves to %q, want chromium and chromium-common of one version", got["chromium"])
	}
}

// fakeApt writes apt-cache and apt-get stand-ins offering the given
// prometheus versions (candidate first). Until apt-get update has run, an
// index marked missing offers nothing, like a machine with no lists.
func fakeApt(t *testing.T, missingIndex bool, versions ...string) string {
	t.Helper()
	dir := t.TempDir()
	marker := filepath.Join(dir, "updated")
	if !missingIndex {
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var madison strings.Builder
	for _, v := range versions {
		madison.WriteString(" prometheus | " + v + " | http://archive bookworm/main amd64 Packages\n")
		madison.WriteString(" prometheus | " + v + " | http://archive bookworm/main Sources\n")
	}
	candidate := "(none)"
	if len(versions) > 0 {
		candidate = versions[0]
	}
	aptCache := "#!/bin/sh\n[ -f " + marker + " ] || exit 0\n" +
		"case \"$1 $2\" in\n" +
		"  'policy prometheus') printf 'prometheus:\\n  Installed: (none)\\n  Candidate: " + candidate + "\\n' ;;\n" +
		"  'madison prometheus') printf '%s' '" + madison.String() + "' ;;\n" +
		"esac\n"
	aptGet := "#!/bin/sh\n[ \"$1\" = update ] && touch " + marker + "\n"
	for name, body := range map[string]string{"apt-cache": aptCache, "apt-get": aptGet, "id": "#!/bin/sh\necho 0\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestDebianPinByUpstreamVersion(t *testing.T) {
	for _, tc := range []struct {
		name     string
		missing  bool
		versions []string
		want     string // the package line, or the one error line's words
		wantErr  bool
	}{
		{name: "security update of the pinned upstream", versions: []string{"2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "binary rebuild", versions: []string{"2.42.0+ds-5+b6"}, want: "prometheus=2.42.0+ds-5+b6"},
		{name: "with an epoch", versions: []string{"1:2.42.0-1"}, want: "prometheus=1:2.42.0-1"},
		{name: "candidate of another upstream, older one still offered", versions: []string{"2.45.1+ds-1", "2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "index missing: refreshed once", missing: true, versions: []string{"2.42.0+ds-5+deb12u1"}, want: "prometheus=2.42.0+ds-5+deb12u1"},
		{name: "upstream gone", versions: []string{"2.45.1+ds-1"}, wantErr: true,
			want: "prometheus: wanted upstream 2.42.0, Debian offers prometheus 2.45.1+ds-1: pin a version Debian serves in hack/tools.sh"},
		{name: "no such package", wantErr: true, want: "Debian offers no prometheus package here (wanted upstream 2.42.0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := resolve(t, fakeApt(t, tc.missing, tc.versions...), "prometheus")
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
