package pluginlist

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Every listed plugin has a main package, every main package is listed,
// and every row is complete.
func TestListMatchesTheTree(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "..", "plugins", "kubectl-tko*"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, d := range dirs {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			onDisk = append(onDisk, filepath.Base(d))
		}
	}
	listed := Binaries()
	slices.Sort(onDisk)
	sorted := slices.Sorted(slices.Values(listed))
	if !slices.Equal(onDisk, sorted) {
		t.Errorf("plugins.tsv lists %v, plugins/ has %v", sorted, onDisk)
	}
	if All()[0].Name != "" {
		t.Errorf("the umbrella must come first, got %+v", All()[0])
	}
	for _, p := range All() {
		if p.KrewName == "" || p.ShortDescription == "" || p.Description == "" {
			t.Errorf("incomplete row: %+v", p)
		}
	}
	if got := Subcommands(); len(got) != len(listed)-1 || got[0].Name != "cluster" {
		t.Errorf("subcommands: %+v", got)
	}
}
