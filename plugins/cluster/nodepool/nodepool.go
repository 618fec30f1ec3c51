// Package nodepool is `kubectl tko cluster node-pool`: the node pools
// (machine deployments) of a cluster. Each verb is a package of its own.
package nodepool

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	pooldelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/delete"
	poollist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/list"
	poolset "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool/set"
)

// NewCmd returns the node-pool noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "node-pool",
		Aliases: []string{"nodepool", "np"},
		Short:   "List, add, change and remove the node pools (machine deployments) of a cluster",
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(poollist.NewCmd(f, streams), poolset.NewCmd(f, streams), pooldelete.NewCmd(f, streams))
	return cmd
}
