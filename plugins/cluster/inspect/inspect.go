// Package inspect is `kubectl tko cluster inspect`: inspections of
// workload clusters across the fleet, one verb per subject.
package inspect

import (
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/inspect/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/inspect/security"
)

// NewCmd returns the inspect command and its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "inspect [CLUSTER...] [-A] [--within 30d]",
		Short: "Inspect workload clusters across the fleet: certificate expiry and security posture",
		Long: cmdutil.LongDesc(`
			Inspect workload clusters from the API alone, on one management cluster or
			every one in the kubeconfig: when each certificate expires and what renews it
			(certs), and what is insecure, as the CIS Kubernetes Benchmark reads it (security).

			Without a verb, both run on the workload clusters (named, those of the
			namespace, or every one with -A) and a line per cluster sums them up: the
			earliest expiry, the errors (certificates expiring within --within, expired
			or invalid, and error-level checks failing), the warnings and what could not
			be checked. Exit code 1 when any cluster has errors.`),
		Example: cmdutil.Examples(`
			# A line per workload cluster: earliest expiry, errors, warnings
			kubectl tko cluster inspect -A

			# Certificates expiring within 30 days on any workload cluster
			kubectl tko cluster inspect certs -A

			# The security posture of every workload cluster
			kubectl tko cluster inspect security --all-workload-clusters`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.addFlags(cmd)
	cmd.AddCommand(certs.NewCmd(f, streams), security.NewCmd(f, streams))
	return cmd
}
