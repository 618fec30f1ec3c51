// Package cluster is the `kubectl tko cluster` plugin: Cluster API / TKG
// lifecycle, fleet views and the reference-design audit.
package cluster

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/audit"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/availableupgrades"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/create"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/delete"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/describe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/inspect"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/list"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/mhc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/nodepool"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/restore"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/scale"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/vspherenamespaces"
)

// Plugin returns the cluster plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "cluster",
		Short: "Manage TKG workload clusters (Cluster API) from kubectl",
		Long: `
			Manage the workload clusters of a Tanzu Kubernetes Grid management cluster:
			list them (also across every management cluster in the kubeconfig), inspect
			them, audit them against the TKO reference design, and back them up and
			restore them with Velero.`,
		Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
			root.Example = cmdutil.Examples(`
				# Every workload cluster of the current management cluster
				kubectl tko cluster list -A`)
			root.AddCommand(
				list.NewCmd(f, streams), describe.NewCmd(f, streams), create.NewCmd(f, streams),
				scale.NewCmd(f, streams), upgrade.NewCmd(f, streams), availableupgrades.NewCmd(f, streams),
				delete.NewCmd(f, streams), kubeconfig.NewCmd(f, streams), mhc.NewCmd(f, streams), nodepool.NewCmd(f, streams),
				audit.NewCmd(f, streams), inspect.NewCmd(f, streams), policy.NewCmd(f, streams), group.NewCmd(f, streams), backup.NewCmd(f, streams), restore.NewCmd(f, streams),
				vspherenamespaces.NewCmd(f, streams),
			)
		},
	}
}
