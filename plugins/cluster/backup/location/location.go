// Package location is the `kubectl tko cluster backup location` noun:
// Velero's backup storage locations. Each verb is a package of its own.
package location

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	locationadd "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/add"
	locationdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/delete"
	locationget "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/get"
	locationlist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/location/list"
)

// NewCmd returns the location noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "location", Aliases: []string{"locations"}, Short: "Backup storage locations: add, list and get with availability, delete", Args: cmdutil.NoArgs}
	cmd.AddCommand(locationadd.NewCmd(f, streams), locationlist.NewCmd(f, streams), locationget.NewCmd(f, streams), locationdelete.NewCmd(f, streams))
	return cmd
}
