// Package pause implements `kubectl tko cluster backup schedule pause`.
package pause

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `schedule pause`.
type Options struct{ common.Pausing }

// NewCmd returns the pause command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Pausing: common.NewPausing(f, streams, true)}
	return o.Command(f, o, "Pause the schedule", &cobra.Command{
		Short: "Pause a Velero schedule: no backups until unpaused",
		Long: cmdutil.LongDesc(`
			Pause a Velero schedule: no backups until unpaused. Backups it made stay;
			running it again changes nothing.

			With --cluster, --all-workload-clusters or --cluster-selector, the schedule
			is paused on each selected workload cluster, a row per cluster: paused,
			unchanged, not found (exit 3 only when no selected cluster has it) or the
			error (exit 1 with --strict).`),
		Example: cmdutil.Examples(`
			# Pause a Velero schedule: no backups until unpaused
			kubectl tko cluster backup schedule pause nightly

			# Pause the nightly backups of every workload cluster
			kubectl tko cluster backup schedule pause nightly --all-workload-clusters

			# What would change on each of them
			kubectl tko cluster backup schedule pause nightly --all-workload-clusters --dry-run`),
	})
}
