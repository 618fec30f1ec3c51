// Package mhc implements `kubectl tko cluster mhc get|set|delete`: the
// MachineHealthChecks Cluster API manages from a cluster's topology.
package mhc

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// NewCmd returns the mhc noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "mhc",
		Aliases: []string{"machinehealthcheck"},
		Short:   "Show and configure the MachineHealthChecks of a cluster",
		Args:    cli.NoArgs,
	}
	cmd.AddCommand(newCmdGet(f, streams), newCmdSet(f, streams), newCmdDelete(f, streams))
	return cmd
}

// GetOptions holds the flags and state of `mhc get`.
type GetOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Cluster string
}

func newCmdGet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &GetOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:               "get CLUSTER",
		Short:             "List a cluster's MachineHealthChecks with healthy/expected machines",
		Example:           cli.Examples(`kubectl tko cluster mhc get wc-prod-1`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Cluster = args[0]
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the checks.
func (o *GetOptions) Run(ctx context.Context) error {
	_, tree, err := common.Tree(ctx, o.Factory, o.Cluster)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "machineHealthChecks": tree.MachineHealthChecks})
	}
	if len(tree.MachineHealthChecks) == 0 {
		_, err := o.Streams.ErrOut.Write([]byte("No MachineHealthChecks: enable them with 'kubectl tko cluster mhc set " + o.Cluster + "'.\n"))
		return err
	}
	t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "HEALTHY"}, {Header: "REMEDIATION"}, {Header: "TARGET"}, {Header: "MESSAGE"}}}
	for _, n := range tree.MachineHealthChecks {
		allowed := map[string]string{"True": "Allowed", "False": "Blocked"}[n.Ready]
		t.Rows = append(t.Rows, []string{n.Name, n.Replicas, allowed, n.Selects, n.Message})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// SetOptions holds the flags and state of `mhc set` and `mhc delete`.
type SetOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams

	Cluster     string
	Pool        string
	HealthCheck capi.HealthCheck
	DryRun      bool
	disable     bool
}

// Validate checks the flags.
func (o *SetOptions) Validate() error {
	if o.HealthCheck.NodeStartupTimeout < 0 || o.HealthCheck.UnhealthyFor < 0 {
		return cli.FlagErrorf("timeouts cannot be negative")
	}
	return nil
}

// Run writes the check into the cluster's topology.
func (o *SetOptions) Run(ctx context.Context) error {
	return common.UpdateAndReport(ctx, o.Factory, o.Streams, o.Cluster, o.DryRun, func(u *unstructured.Unstructured) error {
		if o.disable {
			return capi.DisableHealthCheck(u, o.Pool)
		}
		return capi.SetHealthCheck(u, o.Pool, o.HealthCheck)
	})
}

func newCmdSet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &SetOptions{Factory: f, Streams: streams, HealthCheck: capi.HealthCheck{Enabled: true, NodeStartupTimeout: 20 * time.Minute, UnhealthyFor: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "set CLUSTER [--node-pool POOL] [--node-startup-timeout D] [--unhealthy-for D] [--max-unhealthy N|P%]",
		Short: "Enable or tune the health check of the control plane or a node pool",
		Example: cli.Examples(`
			# Control plane: remediate nodes NotReady for 5 minutes
			kubectl tko cluster mhc set wc-prod-1

			# A node pool, more patient, at most 40% remediated at once
			kubectl tko cluster mhc set wc-prod-1 --node-pool md-0 --unhealthy-for 10m --max-unhealthy 40%`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Cluster = args[0]
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVarP(&o.Pool, "node-pool", "p", "", "Node pool to configure (default: the control plane).")
	cmd.Flags().DurationVar(&o.HealthCheck.NodeStartupTimeout, "node-startup-timeout", o.HealthCheck.NodeStartupTimeout, "How long a new machine may take to become a node.")
	cmd.Flags().DurationVar(&o.HealthCheck.UnhealthyFor, "unhealthy-for", o.HealthCheck.UnhealthyFor, "How long a node may be NotReady or Unknown before it is remediated.")
	cmd.Flags().StringVar(&o.HealthCheck.MaxUnhealthy, "max-unhealthy", "", "Stop remediating when more machines than this (count or percentage) are unhealthy.")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}

func newCmdDelete(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &SetOptions{Factory: f, Streams: streams, disable: true}
	cmd := &cobra.Command{
		Use:               "delete CLUSTER [--node-pool POOL]",
		Short:             "Turn off the health check of the control plane or a node pool",
		Example:           cli.Examples(`kubectl tko cluster mhc delete wc-dev-1 --node-pool md-0`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Cluster = args[0]
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().StringVarP(&o.Pool, "node-pool", "p", "", "Node pool (default: the control plane).")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}
