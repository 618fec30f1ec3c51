// Command kubectl-tko-auth is the 'kubectl tko auth' plugin.
package main

import (
	"os"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	auth "github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
)

func main() { os.Exit(cli.Main(auth.Plugin())) }
