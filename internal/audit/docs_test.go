package audit

import (
	"os"
	"path/filepath"
	"testing"
)

// The rules' documentation is generated; a stale page fails here.
func TestDocsAreCurrent(t *testing.T) {
	got, err := os.ReadFile(filepath.Join("..", "..", "docs", "audit-rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != Markdown() {
		t.Fatal("docs/audit-rules.md is stale: run 'make docs'")
	}
}
