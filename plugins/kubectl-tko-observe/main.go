// Command kubectl-tko-observe is the 'kubectl tko observe' plugin.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	observe "github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
)

func main() { os.Exit(cli.Main(observe.Plugin())) }
