// Package auth is the `kubectl tko auth` plugin.
package auth

import "github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"

// Plugin returns the auth plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "auth",
		Short: "Pinniped kubeconfigs, whoami and access checks",
		Long: `
			Work with Pinniped identity on TKO clusters. Its commands (kubeconfig, whoami, can-i) are being built; today it reports its version.`,
	}
}
