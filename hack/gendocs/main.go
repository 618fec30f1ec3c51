// Command gendocs writes the generated pages of docs/ (make docs).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/audit"
)

func main() {
	dir := "docs"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := os.WriteFile(filepath.Join(dir, "audit-rules.md"), []byte(audit.Markdown()), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}
