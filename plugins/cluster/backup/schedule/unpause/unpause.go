// Package unpause implements `kubectl tko cluster backup schedule unpause`.
package unpause

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `schedule unpause`.
type Options struct{ common.Pausing }

// NewCmd returns the unpause command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Pausing: common.NewPausing(f, streams, false)}
	return o.Command(f, o, "Resume the schedule", &cobra.Command{
		Short: "Resume a paused Velero schedule",
		Long: cmdutil.LongDesc(`
			Resume a paused Velero schedule. Backups it made stay; running it again
			changes nothing.

			With --cluster, --all-workload-clusters or --cluster-selector, the schedule
			is unpaused on each selected workload cluster, a row per cluster: unpaused,
			unchanged, not found (exit 3 only when no selected cluster has it) or the
			error (exit 1 with --strict).`),
		Example: cmdutil.Examples(`
			# Resume a paused Velero schedule
			kubectl tko cluster backup schedule unpause nightly

			# Resume the nightly backups of every production cluster
			kubectl tko cluster backup schedule unpause nightly --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod

			# What would change on each of them
			kubectl tko cluster backup schedule unpause nightly --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod --dry-run`),
	})
}
