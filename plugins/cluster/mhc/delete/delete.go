// Package delete implements `kubectl tko cluster mhc delete`.
package delete

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `mhc delete`.
type Options struct {
	common.Edit

	Pool string
}

// NewCmd returns `mhc delete`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Edit: common.NewEdit(streams)}
	cmd := &cobra.Command{
		Use:               "delete CLUSTER [--node-pool POOL]",
		Short:             "Turn off the health check of the control plane or a node pool",
		Example:           cmdutil.Examples(`kubectl tko cluster mhc delete wc-dev-1 --node-pool md-0`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Pool, "node-pool", "", "Node pool (default: the control plane).")
	o.AddDryRunFlag(cmd)
	return cmd
}

// Validate checks the flags: every combination is valid.
func (o *Options) Validate() error { return nil }

// Run removes the check from the cluster's topology.
func (o *Options) Run(ctx context.Context) error {
	return o.Apply(ctx, func(u *unstructured.Unstructured) error {
		return capi.DisableHealthCheck(u, o.Pool)
	})
}
