// Package backup is the `kubectl tko cluster backup` noun: Velero backups,
// schedules and backup storage locations, on one cluster or across the
// fleet. Each verb, and each noun below it, is a package of its own.
package backup

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/create"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/logs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/status"
)

// NewCmd returns the backup command with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Velero backups, schedules and storage locations, across the fleet",
		Long: cmdutil.LongDesc(`
			Back up clusters with Velero, as Tanzu Mission Control's data protection
			does: the full cluster, a set of namespaces or the objects a label selector
			picks; on one cluster or on every selected workload cluster at once; on a
			schedule; and restore them with 'kubectl tko cluster restore'. Velero's
			objects are read in its namespace (--velero-namespace, default velero).
			` + common.ExcludedNote),
		Example: cmdutil.Examples(`
			# Is the backup store reachable?
			kubectl tko cluster backup location list

			# Back up a namespace and wait
			kubectl tko cluster backup create shop-0412 --include-namespaces shop --wait

			# Nightly backups of every workload cluster
			kubectl tko cluster backup schedule create nightly --schedule "0 2 * * *" --all-workload-clusters`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(create.NewCmd(f, streams), list.NewCmd(f, streams), get.NewCmd(f, streams), delete.NewCmd(f, streams),
		logs.NewCmd(f, streams), status.NewCmd(f, streams), schedule.NewCmd(f, streams), location.NewCmd(f, streams))
	return cmd
}
