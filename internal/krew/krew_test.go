package krew

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
)

// The committed manifests follow krew's index rules, and there is one per plugin.
func TestCommittedManifests(t *testing.T) {
	dir := filepath.Join("..", "..", "krew-manifests")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range Validate(e.Name(), raw) {
			t.Errorf("%s: %s", e.Name(), p)
		}
		found[strings.TrimSuffix(e.Name(), ".yaml")] = true
	}
	for _, name := range PluginNames() {
		if !found[name] {
			t.Errorf("no manifest for %s", name)
		}
	}
}

func TestValidateCatchesMistakes(t *testing.T) {
	good, err := Manifest(pluginlist.All()[1], "v1.2.3", []Asset{
		{OS: "linux", Arch: "amd64", File: "a.tar.gz", SHA256: strings.Repeat("a", 64), Bin: "kubectl-tko-cluster", URL: "https://x/a.tar.gz"},
		{OS: "darwin", Arch: "arm64", File: "b.tar.gz", SHA256: strings.Repeat("b", 64), Bin: "kubectl-tko-cluster", URL: "https://x/b.tar.gz"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := Validate("tko-cluster.yaml", good); len(p) != 0 {
		t.Fatalf("valid manifest refused: %v", p)
	}
	for name, mutate := range map[string]func(string) string{
		"name differs from file": func(s string) string { return strings.Replace(s, "name: tko-cluster", "name: tko-clusters", 1) },
		"not semver":             func(s string) string { return strings.Replace(s, "version: v1.2.3", "version: v1.2", 1) },
		"short sha256":           func(s string) string { return strings.Replace(s, strings.Repeat("a", 64), "abc", 1) },
		"overlapping selectors": func(s string) string {
			return strings.Replace(strings.Replace(s, "os: darwin", "os: linux", 1), "arch: arm64", "arch: amd64", 1)
		},
		"LICENSE missing": func(s string) string { return strings.Replace(s, "from: LICENSE", "from: README.md", 1) },
	} {
		if p := Validate("tko-cluster.yaml", []byte(mutate(string(good)))); len(p) == 0 {
			t.Errorf("%s: accepted", name)
		}
	}
}
