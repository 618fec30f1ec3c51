// Package kubeconfig is `kubectl tko cluster kubeconfig`; its verb is a
// package of its own.
package kubeconfig

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	kubeconfigget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/kubeconfig/get"
)

// NewCmd returns the kubeconfig noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Get the kubeconfig of a workload cluster",
		Args:  cmdutil.NoArgs,
	}
	cmd.AddCommand(kubeconfigget.NewCmd(f, streams))
	return cmd
}
