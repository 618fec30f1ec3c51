// Package auth is the `kubectl tko auth` plugin.
package auth

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/accessmatrix"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/claims"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/doctor"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/grant"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/kubeconfig"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/login"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/logout"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/revoke"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/status"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/whoami"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/whocan"
)

// Plugin returns the auth plugin's definition.
func Plugin() cli.Plugin {
	return cli.Plugin{
		Name:  "auth",
		Short: "Pinniped logins, kubeconfigs, whoami and claims",
		Long: `
			Log in to TKO clusters through Pinniped and OpenID Connect providers:
			login kubeconfigs for the management cluster and its workload clusters, the
			exec credential plugin kubectl runs for them (a drop-in for 'pinniped login
			oidc' and 'tanzu pinniped-auth login'), logout, the claims your identity
			provider sent, and who the cluster takes you for.`,
		Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
			root.Example = cmdutil.Examples(`
				# A login kubeconfig for a workload cluster, merged into yours
				kubectl tko auth kubeconfig get wc-prod-1 -n prod --merge

				# Who am I, and what did the identity provider say?
				kubectl tko auth whoami
				kubectl tko auth claims

				# Log in again next time
				kubectl tko auth logout`)
			root.AddCommand(login.NewCmd(f, streams), logout.NewCmd(f, streams), claims.NewCmd(f, streams),
				whoami.NewCmd(f, streams), kubeconfig.NewCmd(f, streams), grant.NewCmd(f, streams), revoke.NewCmd(f, streams),
				doctor.NewCmd(f, streams), status.NewCmd(f, streams), accessmatrix.NewCmd(f, streams), whocan.NewCmd(f, streams))
		},
	}
}
