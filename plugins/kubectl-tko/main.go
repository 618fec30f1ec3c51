// Command kubectl-tko is the umbrella of the kubectl tko plugins.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/tko"
)

func main() { os.Exit(tko.Main()) }
