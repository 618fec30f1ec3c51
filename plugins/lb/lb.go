// Package lb is the `kubectl tko lb` plugin.
package lb

import "github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"

// Plugin returns the lb plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "lb",
		Short: "AKO / NSX Advanced Load Balancer and Service type LoadBalancer health",
		Long: `
			Check AKO, NSX Advanced Load Balancer and kube-vip on TKO clusters. Its commands are being built; today it reports its version.`,
	}
}
