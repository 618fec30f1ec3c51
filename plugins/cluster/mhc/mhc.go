// Package mhc implements `kubectl tko cluster mhc get|set|delete`: the
// MachineHealthChecks Cluster API manages from a cluster's topology.
package mhc

import (
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

func newCmdGet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	out := cli.NewOutputFlags()
	cmd := &cobra.Command{
		Use:               "get CLUSTER",
		Short:             "List a cluster's MachineHealthChecks with healthy/expected machines",
		Example:           cli.Examples(`kubectl tko cluster mhc get wc-prod-1`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			_, tree, err := common.Tree(cmd.Context(), f, args[0])
			if err != nil {
				return err
			}
			if !out.Human() {
				return out.PrintData(streams.Out, map[string]any{"cluster": args[0], "machineHealthChecks": tree.MachineHealthChecks})
			}
			if len(tree.MachineHealthChecks) == 0 {
				_, _ = streams.ErrOut.Write([]byte("No MachineHealthChecks: enable them with 'kubectl tko cluster mhc set " + args[0] + "'.\n"))
				return nil
			}
			t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "HEALTHY"}, {Header: "REMEDIATION"}, {Header: "MESSAGE"}}}
			for _, n := range tree.MachineHealthChecks {
				allowed := map[string]string{"True": "Allowed", "False": "Blocked"}[n.Ready]
				t.Rows = append(t.Rows, []string{n.Name, n.Replicas, allowed, n.Message})
			}
			return t.Print(streams.Out, out.Wide(), out.NoHeaders)
		},
	}
	out.AddFlags(cmd)
	return cmd
}

func newCmdSet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	hc := capi.HealthCheck{Enabled: true, NodeStartupTimeout: 20 * time.Minute, UnhealthyFor: 5 * time.Minute}
	var pool string
	var dryRun bool
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
			if hc.NodeStartupTimeout < 0 || hc.UnhealthyFor < 0 {
				return cli.FlagErrorf("timeouts cannot be negative")
			}
			return common.UpdateAndReport(cmd.Context(), f, streams, args[0], dryRun, func(u *unstructured.Unstructured) error { return capi.SetHealthCheck(u, pool, hc) })
		},
	}
	cmd.Flags().StringVarP(&pool, "node-pool", "p", "", "Node pool to configure (default: the control plane).")
	cmd.Flags().DurationVar(&hc.NodeStartupTimeout, "node-startup-timeout", hc.NodeStartupTimeout, "How long a new machine may take to become a node.")
	cmd.Flags().DurationVar(&hc.UnhealthyFor, "unhealthy-for", hc.UnhealthyFor, "How long a node may be NotReady or Unknown before it is remediated.")
	cmd.Flags().StringVar(&hc.MaxUnhealthy, "max-unhealthy", "", "Stop remediating when more machines than this (count or percentage) are unhealthy.")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}

func newCmdDelete(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	var pool string
	var dryRun bool
	cmd := &cobra.Command{
		Use:               "delete CLUSTER [--node-pool POOL]",
		Short:             "Turn off the health check of the control plane or a node pool",
		Example:           cli.Examples(`kubectl tko cluster mhc delete wc-dev-1 --node-pool md-0`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			return common.UpdateAndReport(cmd.Context(), f, streams, args[0], dryRun, func(u *unstructured.Unstructured) error { return capi.DisableHealthCheck(u, pool) })
		},
	}
	cmd.Flags().StringVarP(&pool, "node-pool", "p", "", "Node pool (default: the control plane).")
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}
