// Package revoke implements `kubectl tko auth revoke`.
package revoke

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/access"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth/common"
)

// NewCmd returns the revoke command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &common.AccessOptions{Factory: f, Streams: streams, Op: access.Revoke}
	cmd := &cobra.Command{
		Use:   "revoke USER|--group GROUP --role ROLE (-n NAMESPACE | --cluster-wide)",
		Short: "Remove a binding made by kubectl tko auth grant",
		Long: cmdutil.LongDesc(`
			Delete the RoleBinding or ClusterRoleBinding that 'kubectl tko auth grant'
			made with the same arguments (named tko:ROLE:user|group:NAME). A binding
			that is not there is reported and is not an error, so revoking twice is
			safe. Bindings made otherwise are left alone: find them with 'kubectl get
			rolebindings,clusterrolebindings -A -o wide'. Fleet flags as for grant.`),
		Example: cmdutil.Examples(`
			kubectl tko auth revoke oidc:alice@example.com --role view -n team-a
			kubectl tko auth revoke --group tko-platform --role cluster-admin --cluster-wide --all-workload-clusters --dry-run`),
		RunE: cli.RunE(f, o),
	}
	o.AddAccessFlags(cmd)
	return cmd
}
