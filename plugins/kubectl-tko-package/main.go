// Command kubectl-tko-package is the 'kubectl tko package' plugin.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	pkg "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
)

func main() { os.Exit(cli.Main(pkg.Plugin())) }
