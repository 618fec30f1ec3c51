// Package delete implements `kubectl tko cluster node-pool delete`.
package delete

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `node-pool delete`.
type Options struct {
	common.Edit

	Pool string
}

// NewCmd returns `node-pool delete`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Edit: common.NewEdit(streams)}
	cmd := &cobra.Command{
		Use:   "delete CLUSTER --name POOL",
		Short: "Remove a node pool (not the last one)",
		Example: cmdutil.Examples(`
			kubectl tko cluster node-pool delete wc-prod-1 --name md-gpu

			# A node pool of a TanzuKubernetesCluster
			kubectl tko cluster node-pool delete tkc-guest-1 -n vsphere-ns-1 --name np-2 --dry-run`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Pool, "name", "", "Node pool to remove.")
	o.AddDryRunFlag(cmd)
	return cmd
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Pool == "" {
		return cmdutil.FlagErrorf("missing --name POOL")
	}
	return nil
}

// Run removes the pool from the topology or the TanzuKubernetesCluster.
func (o *Options) Run(ctx context.Context) error {
	return o.ApplyEither(ctx, func(u *unstructured.Unstructured) error {
		return capi.DeletePool(u, o.Pool)
	}, func(u *unstructured.Unstructured) error {
		return tkc.DeletePool(u, o.Pool)
	})
}
