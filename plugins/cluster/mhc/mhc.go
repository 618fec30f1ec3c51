// Package mhc is `kubectl tko cluster mhc`: the MachineHealthChecks Cluster
// API manages from a cluster's topology. Each verb is a package of its own.
package mhc

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	mhcdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/delete"
	mhcget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/get"
	mhcset "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc/set"
)

// NewCmd returns the mhc noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "mhc",
		Aliases: []string{"machinehealthcheck"},
		Short:   "Show and configure the MachineHealthChecks of a cluster",
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(mhcget.NewCmd(f, streams), mhcset.NewCmd(f, streams), mhcdelete.NewCmd(f, streams))
	return cmd
}
