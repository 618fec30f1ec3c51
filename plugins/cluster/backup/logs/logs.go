// Package logs implements `kubectl tko cluster backup logs`.
package logs

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup logs`.
type Options struct{ common.Logs }

// NewCmd returns the logs command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Logs: common.NewLogs(f, streams, "Backup")}
	return o.Command(f, o, &cobra.Command{
		Short: "Print Velero's log of a backup, from the object store",
		Long: cmdutil.LongDesc(`
			Print the log Velero wrote for a backup: Velero keeps it in the object
			store when the backup ends, and signs a download URL for it when asked
			(a DownloadRequest). The URL points to the location's s3Url, or to its
			publicUrl when set: when this machine cannot reach it, the error says so
			(set publicUrl to an address it can reach). The URL is never printed: it
			carries a signature.

			With --cluster a,b (or --all-workload-clusters, --cluster-selector,
			--all-contexts) each cluster's log follows a "==> CLUSTER <==" line, as
			tail prints several files; a cluster without the backup says so there.`),
		Example: cmdutil.Examples(`
			# Why did it partially fail?
			kubectl tko cluster backup logs NAME | grep -i error

			# The same backup on a workload cluster
			kubectl tko cluster backup logs NAME --cluster wc-prod-1`),
	})
}
