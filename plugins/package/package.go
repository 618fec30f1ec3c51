// Package packages is the `kubectl tko package` plugin.
package packages

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/apply"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/available"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/install"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/installed"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/repository"
)

// Plugin returns the package plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "package",
		Short: "Carvel package repositories and installs, values validation and stacks",
		Long: `
			Manage the Carvel packages kapp-controller reconciles: repositories, the
			packages they offer, installs (validated against each package's values schema
			before anything is created), dependency-ordered stacks such as the TKO shared
			services, and rollouts to workload clusters from a management cluster.`,
		Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
			root.Example = cmdutil.Examples(`
				# What can be installed, and what is
				kubectl tko package available list
				kubectl tko package installed list -A

				# Install Contour, validated and waited for
				kubectl tko package install contour -p contour.tanzu.vmware.com -n tanzu-packages -f contour.yaml

				# The TKO shared services, in dependency order
				kubectl tko package apply --profile tko-shared-services`)
			root.AddCommand(repository.NewCmd(f, streams), available.NewCmd(f, streams), install.NewCmd(f, streams),
				installed.NewCmd(f, streams), apply.NewCmd(f, streams))
		},
	}
}
