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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
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
			kubectl tko cluster available-upgrades wc-team-a -n team-a -o json

			# A TanzuKubernetesCluster: what its TKR's UpdatesAvailable offers, marked Compatible or not
			kubectl tko cluster available-upgrades tkc-guest-1 -n vsphere-ns-1`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run lists the reachable TKRs.
func (o *Options) Run(ctx context.Context) error {
	c, u, guest, err := common.Resolve(ctx, o.Connect, o.Cluster)
	if err != nil {
		return err
	}
	if guest != nil {
		return o.printTKC(ctx, c, tkc.FromUnstructured(guest))
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

// printTKC lists what the TanzuKubernetesRelease of a TanzuKubernetesCluster's
// control plane offers in its UpdatesAvailable condition, each marked by
// whether the Supervisor has it Compatible.
func (o *Options) printTKC(ctx context.Context, c *common.Client, v tkc.TKC) error {
	releases, served, err := tkc.Releases(ctx, c.Dyn, c.API)
	if err != nil {
		return err
	}
	if !served {
		return &errs.NotServedError{Group: tkc.Group, Hint: "this Supervisor serves no TanzuKubernetesReleases"}
	}
	current, upgrades, err := tkc.AvailableUpgrades(v.ControlPlane.TKR, releases)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, map[string]any{"cluster": o.Cluster, "currentTKR": current.Name, "currentVersion": current.Kubernetes, "upgrades": upgrades})
	}
	if len(upgrades) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "No upgrades available for %s at %s.\n", o.Cluster, current.Name)
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "TKR"}, {Header: "KUBERNETES"}, {Header: "COMPATIBLE"}, {Header: "FROM"}}}
	for _, up := range upgrades {
		compatible := map[bool]string{true: "True", false: "False"}[up.Compatible && up.Ready]
		if !up.Known {
			compatible = "not served"
		}
		t.Rows = append(t.Rows, []string{up.Name, up.Kubernetes, compatible, current.Name})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
