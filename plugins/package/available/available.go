// Package available assembles `kubectl tko package available`: list and
// get of the packages the repositories offer, one package per verb.
package available

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/available/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/available/list"
)

// NewCmd returns the available noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "available",
		Short: "Packages the repositories offer: versions, release dates, values schema",
		Example: cmdutil.Examples(`
			kubectl tko package available list
			kubectl tko package available list -p contour.tanzu.vmware.com
			kubectl tko package available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 --values-schema`),
	}
	cmd.AddCommand(list.NewCmd(f, streams), get.NewCmd(f, streams))
	return cmd
}
