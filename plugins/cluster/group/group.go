// Package group is `kubectl tko cluster group`: cluster groups, label
// selectors over the workload clusters whose intents (policies, backup
// schedules) kapp-controller keeps in every member. Each verb is a package
// of its own.
package group

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/attach"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/create"
	groupdelete "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/detach"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/get"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/status"
	groupsync "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/sync"
)

// NewCmd returns the group noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "group",
		Short: "Cluster groups: policies and backup schedules kept in every member by kapp-controller",
		Long: cmdutil.LongDesc(`
			Cluster groups in the manner of Tanzu Mission Control: a group is a label
			selector over the workload clusters of the management cluster, and what is
			attached to it (a cluster policy, a Velero backup schedule) is kept in
			every member by kapp-controller, which re-applies it on every sync period:
			drift is repaired without anyone noticing it first. 'group list' is the
			global view. See docs/cluster-groups.md.`),
		Args: cmdutil.NoArgs,
	}
	cmd.AddCommand(create.NewCmd(f, streams), list.NewCmd(f, streams), get.NewCmd(f, streams), groupdelete.NewCmd(f, streams),
		attach.NewCmd(f, streams), detach.NewCmd(f, streams), groupsync.NewCmd(f, streams), status.NewCmd(f, streams))
	return cmd
}
