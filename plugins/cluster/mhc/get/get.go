// Package get implements `kubectl tko cluster mhc get`.
package get

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `mhc get`.
type Options struct {
	common.Show
}

// NewCmd returns `mhc get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Show: common.NewShow(streams)}
	cmd := &cobra.Command{
		Use:               "get CLUSTER",
		Short:             "List a cluster's MachineHealthChecks with healthy/expected machines",
		Example:           cmdutil.Examples(`kubectl tko cluster mhc get wc-prod-1`),
		Args:              cmdutil.ExactArgs("CLUSTER"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the checks.
func (o *Options) Run(ctx context.Context) error {
	_, tree, err := common.Tree(ctx, o.Connect, o.Cluster)
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
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "HEALTHY"}, {Header: "REMEDIATION"}, {Header: "TARGET"}, {Header: "MESSAGE"}}}
	for _, n := range tree.MachineHealthChecks {
		allowed := map[string]string{"True": "Allowed", "False": "Blocked"}[n.Ready]
		t.Rows = append(t.Rows, []string{n.Name, n.Replicas, allowed, n.Selects, n.Message})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
