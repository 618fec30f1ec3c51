// Package backup is the `kubectl tko cluster backup` noun (and `restore`):
// Velero backups, schedules, restores and backup storage locations, on one
// cluster or across the fleet.
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
	locationadd "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/add"
	locationdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/delete"
	locationget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/get"
	locationlist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/logs"
	restorecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/restore/create"
	restoreget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/restore/get"
	restorelist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/restore/list"
	schedulecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/create"
	scheduledelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/delete"
	schedulelist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/pause"
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
	schedule := &cobra.Command{Use: "schedule", Short: "Velero schedules: create, list, pause, unpause, delete", Args: cmdutil.NoArgs}
	schedule.AddCommand(schedulecreate.NewCmd(f, streams), schedulelist.NewCmd(f, streams), pause.NewCmd(f, streams, true),
		pause.NewCmd(f, streams, false), scheduledelete.NewCmd(f, streams))
	location := &cobra.Command{Use: "location", Aliases: []string{"locations"}, Short: "Backup storage locations: add, list and get with availability, delete", Args: cmdutil.NoArgs}
	location.AddCommand(locationadd.NewCmd(f, streams), locationlist.NewCmd(f, streams), locationget.NewCmd(f, streams), locationdelete.NewCmd(f, streams))
	cmd.AddCommand(create.NewCmd(f, streams), list.NewCmd(f, streams), get.NewCmd(f, streams), delete.NewCmd(f, streams),
		logs.NewCmd(f, streams, "Backup"), status.NewCmd(f, streams), schedule, location)
	return cmd
}

// NewRestoreCmd returns the restore command with its verbs.
func NewRestoreCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Velero restores of Completed backups: create, list, get, logs",
		Example: cmdutil.Examples(`
			# Restore a namespace of a backup under a new name
			kubectl tko cluster restore create --from-backup shop-0412 --namespace-mappings shop:shop-restored --wait`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(restorecreate.NewCmd(f, streams), restorelist.NewCmd(f, streams), restoreget.NewCmd(f, streams), logs.NewCmd(f, streams, "Restore"))
	return cmd
}
