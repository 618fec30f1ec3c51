// Package observe is the `kubectl tko observe` plugin.
package observe

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/alerts"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/capacity"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/health"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/query"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/report"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/rules"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/silence"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/targets"
)

// Plugin returns the observe plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "observe",
		Short: "Cluster health, Prometheus queries, alerts and capacity",
		Long: `
			Say what is wrong in a cluster or across the fleet, and show the numbers
			behind it, without opening Grafana: health and capacity from the cluster
			itself; queries, scrape targets, rules, alerts and silences from TKG's
			Prometheus package (namespace tanzu-system-monitoring), reached through
			the API server's service proxy, or from any Prometheus and Alertmanager by URL.`,
		Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
			root.Example = cmdutil.Examples(`
				# What is wrong, everywhere
				kubectl tko observe health -A --all-workload-clusters

				# What is firing
				kubectl tko observe alerts`)
			root.AddCommand(health.NewCmd(f, streams), query.NewCmd(f, streams), alerts.NewCmd(f, streams), silence.NewCmd(f, streams),
				targets.NewCmd(f, streams), rules.NewCmd(f, streams), capacity.NewCmd(f, streams), report.NewCmd(f, streams))
		},
	}
}
