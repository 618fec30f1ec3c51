// Package restore is the `kubectl tko cluster restore` noun: Velero
// restores of Completed backups, on one cluster or across the fleet. Each
// verb is a package of its own; they share plugins/cluster/backup/common
// with the backup verbs.
package restore

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	restorecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/create"
	restoreget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/get"
	restorelist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/list"
	restorelogs "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore/logs"
)

// NewCmd returns the restore noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Velero restores of Completed backups: create, list, get, logs",
		Example: cmdutil.Examples(`
			# Restore a namespace of a backup under a new name
			kubectl tko cluster restore create --from-backup shop-0412 --namespace-mappings shop:shop-restored --wait`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(restorecreate.NewCmd(f, streams), restorelist.NewCmd(f, streams), restoreget.NewCmd(f, streams), restorelogs.NewCmd(f, streams))
	return cmd
}
