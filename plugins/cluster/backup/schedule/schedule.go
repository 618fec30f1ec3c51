// Package schedule is the `kubectl tko cluster backup schedule` noun:
// Velero schedules. Each verb is a package of its own.
package schedule

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	schedulecreate "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/create"
	scheduledelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/delete"
	schedulelist "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/pause"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/schedule/unpause"
)

// NewCmd returns the schedule noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{Use: "schedule", Short: "Velero schedules: create, list, pause, unpause, delete", Args: cmdutil.NoArgs}
	cmd.AddCommand(schedulecreate.NewCmd(f, streams), schedulelist.NewCmd(f, streams), pause.NewCmd(f, streams),
		unpause.NewCmd(f, streams), scheduledelete.NewCmd(f, streams))
	return cmd
}
