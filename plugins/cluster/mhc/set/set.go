// Package set implements `kubectl tko cluster mhc set`.
package set

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `mhc set`.
type Options struct {
	common.Edit

	Pool        string
	HealthCheck capi.HealthCheck
}

// NewCmd returns `mhc set`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Edit: common.NewEdit(streams), HealthCheck: capi.HealthCheck{Enabled: true, NodeStartupTimeout: 20 * time.Minute, UnhealthyFor: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "set CLUSTER [--node-pool POOL] [--node-startup-timeout D] [--unhealthy-for D] [--max-unhealthy N|P%]",
		Short: "Enable or tune the health check of the control plane or a node pool",
		Example: cmdutil.Examples(`
			# Control plane: remediate nodes NotReady for 5 minutes
			kubectl tko cluster mhc set wc-prod-1

			# A node pool, more patient, at most 40% remediated at once
			kubectl tko cluster mhc set wc-prod-1 --node-pool md-0 --unhealthy-for 10m --max-unhealthy 40%`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Pool, "node-pool", "", "Node pool to configure (default: the control plane).")
	cmd.Flags().DurationVar(&o.HealthCheck.NodeStartupTimeout, "node-startup-timeout", o.HealthCheck.NodeStartupTimeout, "How long a new machine may take to become a node.")
	cmd.Flags().DurationVar(&o.HealthCheck.UnhealthyFor, "unhealthy-for", o.HealthCheck.UnhealthyFor, "How long a node may be NotReady or Unknown before it is remediated.")
	cmd.Flags().StringVar(&o.HealthCheck.MaxUnhealthy, "max-unhealthy", "", "Stop remediating when more machines than this (count or percentage) are unhealthy.")
	o.AddDryRunFlag(cmd)
	return cmd
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.HealthCheck.NodeStartupTimeout < 0 || o.HealthCheck.UnhealthyFor < 0 {
		return cmdutil.FlagErrorf("timeouts cannot be negative")
	}
	if o.HealthCheck.MaxUnhealthy != "" {
		if _, err := capi.ParseMaxUnhealthy(o.HealthCheck.MaxUnhealthy); err != nil {
			return cmdutil.FlagErrorf("--max-unhealthy %q is not a count (2) or a percentage (40%%)", o.HealthCheck.MaxUnhealthy)
		}
	}
	return nil
}

// Run writes the check into the cluster's topology.
func (o *Options) Run(ctx context.Context) error {
	return o.Apply(ctx, func(u *unstructured.Unstructured) error {
		return capi.SetHealthCheck(u, o.Pool, o.HealthCheck)
	})
}
