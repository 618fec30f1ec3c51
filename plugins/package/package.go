// Package packages is the `kubectl tko package` plugin.
package packages

import "github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"

// Plugin returns the package plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "package",
		Short: "Carvel package repositories and installs, values validation and stacks",
		Long: `
			Manage Carvel packages reconciled by kapp-controller. Its commands are being built; today it reports its version.`,
	}
}
