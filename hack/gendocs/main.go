// Command gendocs writes the generated pages of docs/ (make docs).
package main

import (
	"fmt"
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/docs"
)

func main() {
	dir := "docs"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := docs.Generate(dir); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\n", err)
		os.Exit(1)
	}
}
