// Package adc is the `kubectl tko lb adc` noun: AKODeploymentConfigs.
package adc

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/adc/create"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/adc/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/adc/list"
)

// NewCmd returns the adc command with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "adc",
		Aliases: []string{"akodeploymentconfig"},
		Short:   "AKODeploymentConfigs: list, inspect, create validated",
		Args:    cmdutil.NoArgs,
	}
	cmd.AddCommand(list.NewCmd(f, streams), get.NewCmd(f, streams), create.NewCmd(f, streams))
	return cmd
}
