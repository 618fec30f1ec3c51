// Package observe is the `kubectl tko observe` plugin.
package observe

import "github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"

// Plugin returns the observe plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "observe",
		Short: "Cluster health, Prometheus queries, alerts and capacity",
		Long: `
			Observe TKO clusters through their Prometheus and Alertmanager. Its commands are being built; today it reports its version.`,
	}
}
