// Package list implements `kubectl tko cluster node-pool list`.
package list

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// PoolRow is a node pool as listed.
type PoolRow struct {
	Name          string `json:"name"`
	Class         string `json:"class"`
	Replicas      string `json:"replicas"`
	Ready         int64  `json:"ready"`
	FailureDomain string `json:"failureDomain,omitempty"`
	Status        string `json:"status"`

	// A TanzuKubernetesCluster's pools.
	VMClass      string `json:"vmClass,omitempty"`
	StorageClass string `json:"storageClass,omitempty"`
	TKR          string `json:"tkr,omitempty"`
	StatusReason string `json:"statusReason,omitempty"`
	ReadyKnown   bool   `json:"-"` // Ready counts machines (a readable MachineDeployment)
}

// Options holds the flags and state of `node-pool list`.
type Options struct {
	common.Show
}

// NewCmd returns `node-pool list`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Show: common.NewShow(streams)}
	cmd := &cobra.Command{
		Use:   "list CLUSTER",
		Short: "List the node pools of a cluster with their readiness",
		Example: cmdutil.Examples(`
			kubectl tko cluster node-pool list wc-prod-1

			# The node pools of a TanzuKubernetesCluster, with VM class and TKR
			kubectl tko cluster node-pool list tkc-guest-1 -n vsphere-ns-1`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the pools.
func (o *Options) Run(ctx context.Context) error {
	c, _, guest, err := common.Resolve(ctx, o.Connect, o.Cluster)
	if err != nil {
		return err
	}
	if guest != nil {
		v := tkc.FromUnstructured(guest)
		return o.printTKC(v, tkc.PoolStates(ctx, c.Dyn, c.API, v))
	}
	u, tree, err := common.Tree(ctx, func() (*common.Client, error) { return c, nil }, o.Cluster)
	if err != nil {
		return err
	}
	rows := poolRows(capi.FromUnstructured(u), tree, u.GetName())
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "nodePools": rows})
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "CLASS"}, {Header: "READY"}, {Header: "STATUS"}, {Header: "FAILUREDOMAIN", Wide: true}}}
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

// printTKC lists a TanzuKubernetesCluster's pools with what is known of
// each one's readiness (tkc.PoolStates).
func (o *Options) printTKC(v tkc.TKC, states map[string]tkc.PoolState) error {
	rows := make([]PoolRow, 0, len(v.NodePools))
	for _, p := range v.NodePools {
		s := states[p.Name]
		r := PoolRow{Name: p.Name, Replicas: fmt.Sprint(p.ReplicaCount()), FailureDomain: p.FailureDomain, Status: cmdutil.OrDash(s.Status),
			StatusReason: s.Reason, VMClass: p.VMClass, StorageClass: p.StorageClass, TKR: v.PoolTKR(p), ReadyKnown: s.Ready != nil}
		if s.Ready != nil {
			r.Ready = *s.Ready
		}
		rows = append(rows, r)
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "nodePools": rows})
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "VM-CLASS"}, {Header: "REPLICAS"}, {Header: "TKR"}, {Header: "STATUS"},
		{Header: "STORAGE-CLASS", Wide: true}, {Header: "FAILUREDOMAIN", Wide: true}, {Header: "REASON", Wide: true}}}
	for _, r := range rows {
		replicas := r.Replicas
		if r.ReadyKnown {
			replicas = fmt.Sprintf("%d/%s", r.Ready, r.Replicas)
		}
		t.Rows = append(t.Rows, []string{r.Name, cmdutil.OrDash(r.VMClass), replicas, cmdutil.OrDash(r.TKR), r.Status,
			cmdutil.OrDash(r.StorageClass), r.FailureDomain, cmdutil.OrDash(r.StatusReason)})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
