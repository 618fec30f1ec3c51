// Command kubectl-tko-lb is the 'kubectl tko lb' plugin.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	lb "github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
)

func main() { os.Exit(cli.Main(lb.Plugin())) }
