// Command kubectl-tko-cluster is the 'kubectl tko cluster' plugin.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	cluster "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

func main() { os.Exit(cli.Main(cluster.Plugin())) }
