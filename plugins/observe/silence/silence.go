// Package silence is `kubectl tko observe silence`: Alertmanager silences.
package silence

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/silence/add"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/silence/expire"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/silence/list"
)

// NewCmd returns the silence command and its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "silence",
		Short: "Add, list and expire Alertmanager silences",
		Example: cmdutil.Examples(`
			# Silence an alert for two hours during maintenance
			kubectl tko observe silence add alertname=TKONodeNotReady node=worker-1 --duration 2h --comment "node replacement"

			# The active silences, then end one
			kubectl tko observe silence list
			kubectl tko observe silence expire 0f1e9b6c-...`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(add.NewCmd(f, streams), list.NewCmd(f, streams), expire.NewCmd(f, streams))
	return cmd
}
