package docs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed docs must be what the commands generate today.
func TestGeneratedDocsAreCurrent(t *testing.T) {
	fresh := t.TempDir()
	if err := Generate(fresh); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "docs")
	err := filepath.WalkDir(fresh, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(fresh, path)
		want, _ := os.ReadFile(path)
		got, err := os.ReadFile(filepath.Join(committed, rel))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("docs/%s is stale or missing: run 'make docs'", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// No page for a command that no longer exists.
	entries, _ := os.ReadDir(filepath.Join(committed, "reference"))
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(fresh, "reference", e.Name())); err != nil {
			t.Errorf("docs/reference/%s documents a command that no longer exists: run 'make docs'", e.Name())
		}
	}
}
