// Package kubeconfig is the `kubectl tko auth kubeconfig` noun.
package kubeconfig

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/kubeconfig/convert"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/kubeconfig/get"
)

// NewCmd returns the kubeconfig noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "kubeconfig",
		Short: "Login kubeconfigs: get one for a cluster, convert pinniped and tanzu ones",
		Args:  cmdutil.NoArgs,
		Example: cmdutil.Examples(`
			kubectl tko auth kubeconfig get wc-prod-1 --merge
			kubectl tko auth kubeconfig convert -f ~/.kube/tanzu.yaml --in-place`),
	}
	cmd.AddCommand(get.NewCmd(f, streams), convert.NewCmd(f, streams))
	return cmd
}
