// Package availableupgrades implements `kubectl tko cluster available-upgrades`.
package availableupgrades

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `available-upgrades`.
type Options struct{ common.Show }

// NewCmd returns `available-upgrades`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Show: common.NewShow(streams)}
	cmd := &cobra.Command{
		Use:   "available-upgrades NAME",
		Short: "List the TanzuKubernetesReleases a cluster can be upgraded to",
		Example: cmdutil.Examples(`
			kubectl tko cluster available-upgrades wc-team-a -n team-a
			kubectl tko cluster available-upgrades wc-team-a -n team-a -o json`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the reachable TKRs.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	u, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, o.Cluster)
	if err != nil {
		return err
	}
	current, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version")
	tkrs, served, err := capi.ListTKRs(ctx, c.Dyn, c.API)
	if err != nil {
		return err
	}
	if !served {
		return &errs.NotServedError{Group: capi.TKRGroup, Hint: "this management cluster has no TanzuKubernetesReleases to upgrade to; pass --version to upgrade"}
	}
	upgrades := capi.AvailableUpgrades(current, tkrs)
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "currentVersion": current, "upgrades": upgrades})
	}
	if len(upgrades) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "No upgrades available for %s at %s.\n", o.Cluster, current)
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "TKR"}, {Header: "KUBERNETES"}, {Header: "FROM"}}}
	for _, up := range upgrades {
		t.Rows = append(t.Rows, []string{up.Name, up.Kubernetes, current})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
