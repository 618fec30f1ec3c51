// Package grant implements `kubectl tko auth grant`.
package grant

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// NewCmd returns the grant command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &common.AccessOptions{Factory: f, Streams: streams, Op: access.Apply}
	cmd := &cobra.Command{
		Use:   "grant USER|--group GROUP --role ROLE (-n NAMESPACE | --cluster-wide)",
		Short: "Give a Pinniped user or group a ClusterRole, in a namespace or cluster-wide",
		Long: cmdutil.LongDesc(`
			Bind a ClusterRole to a user or group as the cluster sees them (the
			username and groups 'kubectl tko auth whoami' shows, with the prefix of
			the authenticator, e.g. oidc:alice@example.com): a RoleBinding in -n, or a
			ClusterRoleBinding with --cluster-wide. The binding is named
			tko:ROLE:user|group:NAME, so granting again changes nothing ("unchanged")
			and 'kubectl tko auth revoke' with the same arguments removes it. With
			--cluster, --all-workload-clusters or --cluster-selector it is done on
			workload clusters through their kubeconfig Secrets; with --all-contexts on
			every context.`),
		Example: cmdutil.Examples(`
			# Let a user see the team-a namespace
			kubectl tko auth grant oidc:alice@example.com --role view -n team-a

			# Platform engineers administer every workload cluster
			kubectl tko auth grant --group tko-platform --role cluster-admin --cluster-wide --all-workload-clusters

			# Check first
			kubectl tko auth grant --group devs --role edit -n team-a --dry-run`),
		RunE: cli.RunE(f, o),
	}
	o.AddAccessFlags(cmd)
	return cmd
}
