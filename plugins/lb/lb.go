// Package lb is the `kubectl tko lb` plugin: NSX Advanced Load Balancer
// (AKO) and kube-vip, from the operator's side.
package lb

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/adc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/doctor"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/pools"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/services"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/status"
)

// Plugin returns the lb plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "lb",
		Short: "AKO / NSX Advanced Load Balancer and kube-vip: LoadBalancer Services, ADCs, VIP pools",
		Long: `
			Answer the load-balancing questions of a TKO estate in one command each: why
			is this LoadBalancer pending, which AKODeploymentConfig serves this cluster,
			are we running out of VIPs; across the fleet from a management cluster.`,
		Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
			root.Example = cmdutil.Examples(`
				# Pending LoadBalancers and their cause, everywhere
				kubectl tko lb services -A --all-workload-clusters --pending

				# Everything that is wrong, as findings
				kubectl tko lb doctor -A`)
			root.AddCommand(services.NewCmd(f, streams), status.NewCmd(f, streams), adc.NewCmd(f, streams),
				pools.NewCmd(f, streams), doctor.NewCmd(f, streams))
		},
	}
}
