// Package nodepool implements `kubectl tko cluster node-pool list|set|delete`.
package nodepool

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// NewCmd returns the node-pool noun.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "node-pool",
		Aliases: []string{"nodepool", "np"},
		Short:   "List, add, change and remove the node pools (machine deployments) of a cluster",
		Args:    cli.NoArgs,
	}
	cmd.AddCommand(newCmdList(f, streams), newCmdSet(f, streams), newCmdDelete(f, streams))
	return cmd
}

// PoolRow is a node pool as listed.
type PoolRow struct {
	Name          string `json:"name"`
	Class         string `json:"class"`
	Replicas      string `json:"replicas"`
	Ready         int64  `json:"ready"`
	FailureDomain string `json:"failureDomain,omitempty"`
	Status        string `json:"status"`
}

// ListOptions holds the flags and state of `node-pool list`.
type ListOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Cluster string
}

func newCmdList(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &ListOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:               "list CLUSTER",
		Short:             "List the node pools of a cluster with their readiness",
		Example:           cli.Examples(`kubectl tko cluster node-pool list wc-prod-1`),
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

// Run lists the pools.
func (o *ListOptions) Run(ctx context.Context) error {
	u, tree, err := common.Tree(ctx, o.Factory, o.Cluster)
	if err != nil {
		return err
	}
	rows := poolRows(capi.FromUnstructured(u), tree, u.GetName())
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "nodePools": rows})
	}
	t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "CLASS"}, {Header: "READY"}, {Header: "STATUS"}, {Header: "FAILUREDOMAIN", Wide: true}}}
	for _, r := range rows {
		t.Rows = append(t.Rows, []string{r.Name, r.Class, fmt.Sprintf("%d/%s", r.Ready, r.Replicas), r.Status, r.FailureDomain})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

func poolRows(c capi.Cluster, tree *capi.Tree, name string) []PoolRow {
	mdNodes := map[string]*capi.Node{}
	for _, n := range tree.Root.Children {
		if n.Kind == "Workers" {
			for _, md := range n.Children {
				mdNodes[strings.TrimPrefix(md.Name, name+"-")] = md
			}
		}
	}
	var rows []PoolRow
	for _, p := range c.Pools {
		r := PoolRow{Name: p.Name, Class: p.Class, FailureDomain: p.FailureDomain, Replicas: "-", Status: "Pending"}
		if p.Replicas != nil {
			r.Replicas = fmt.Sprint(*p.Replicas)
		}
		if md, ok := mdNodes[p.Name]; ok {
			if ready, _, ok := strings.Cut(md.Replicas, "/"); ok {
				_, _ = fmt.Sscan(ready, &r.Ready)
			}
			r.Status = map[string]string{"True": "Ready", "False": "NotReady", "": "Unknown", "Unknown": "Unknown"}[md.Ready]
		}
		rows = append(rows, r)
	}
	return rows
}

// SetOptions holds the flags and state of `node-pool set` and `delete`.
type SetOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams

	Cluster  string
	Pool     capi.Pool
	Labels   []string
	Replicas int64
	DryRun   bool

	remove bool
}

// Complete turns the flags into the pool change.
func (o *SetOptions) Complete(cmd *cobra.Command, args []string) error {
	o.Cluster = args[0]
	if cmd.Flags().Changed("replicas") {
		o.Pool.Replicas = &o.Replicas
	}
	o.Pool.Labels = map[string]string{}
	for _, l := range o.Labels {
		k, v, ok := strings.Cut(l, "=")
		if !ok || k == "" {
			return cli.FlagErrorf("--label %q: expected key=value", l)
		}
		o.Pool.Labels[k] = v
	}
	return nil
}

// Validate checks the flags.
func (o *SetOptions) Validate() error {
	if o.Pool.Name == "" {
		return cli.FlagErrorf("missing --name POOL")
	}
	if o.Pool.Replicas != nil && *o.Pool.Replicas < 0 {
		return cli.Usagef("--replicas cannot be negative")
	}
	return nil
}

// Run changes the topology.
func (o *SetOptions) Run(ctx context.Context) error {
	return common.UpdateAndReport(ctx, o.Factory, o.Streams, o.Cluster, o.DryRun, func(u *unstructured.Unstructured) error {
		if o.remove {
			return capi.DeletePool(u, o.Pool.Name)
		}
		err := capi.SetPool(u, o.Pool)
		var noClass *capi.PoolClassRequiredError
		if errors.As(err, &noClass) {
			return cli.Usagef("node pool %s is new: pass --class", noClass.Pool)
		}
		return err
	})
}

func (o *SetOptions) runE(cmd *cobra.Command, args []string) error {
	if err := o.Complete(cmd, args); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	return o.Run(cmd.Context())
}

func newCmdSet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &SetOptions{Factory: f, Streams: streams}
	cmd := &cobra.Command{
		Use:   "set CLUSTER --name POOL [--replicas N] [--class C] [--failure-domain AZ] [--label k=v]",
		Short: "Add a node pool or change one",
		Example: cli.Examples(`
			# A GPU pool in az-2
			kubectl tko cluster node-pool set wc-prod-1 --name md-gpu --replicas 2 --failure-domain az-2

			# Resize an existing pool
			kubectl tko cluster node-pool set wc-prod-1 --name md-0 --replicas 4 --dry-run`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE:              o.runE,
	}
	cmd.Flags().StringVar(&o.Pool.Name, "name", "", "Node pool name (machine deployment topology name), e.g. md-1.")
	cmd.Flags().Int64Var(&o.Replicas, "replicas", 0, "Number of machines.")
	cmd.Flags().StringVar(&o.Pool.Class, "class", "", "Worker class of the ClusterClass (new pools default to the first pool's class).")
	cmd.Flags().StringVar(&o.Pool.FailureDomain, "failure-domain", "", "Availability zone / failure domain.")
	cmd.Flags().StringArrayVar(&o.Labels, "label", nil, "Node label key=value (repeatable).")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}

func newCmdDelete(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &SetOptions{Factory: f, Streams: streams, remove: true}
	cmd := &cobra.Command{
		Use:               "delete CLUSTER --name POOL",
		Short:             "Remove a node pool (not the last one)",
		Example:           cli.Examples(`kubectl tko cluster node-pool delete wc-prod-1 --name md-gpu`),
		Args:              cli.ExactArgs("CLUSTER"),
		ValidArgsFunction: common.CompleteClusterNames(f),
		RunE:              o.runE,
	}
	cmd.Flags().StringVar(&o.Pool.Name, "name", "", "Node pool to remove.")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Show the change; the API server checks it but nothing is stored.")
	return cmd
}
