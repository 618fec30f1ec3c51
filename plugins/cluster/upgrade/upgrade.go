// Package upgrade implements `kubectl tko cluster upgrade`.
package upgrade

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/abort"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/apply"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/plan"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/status"
)

// Options holds the flags and state of `cluster upgrade`.
type Options struct {
	common.One
	common.Waiting

	Version string // --version
	TKR     string // --tkr
}

// NewCmd returns the upgrade command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return newCmd(f, &Options{One: common.One{Streams: streams}, Waiting: common.NewWaiting(60 * time.Minute)})
}

func newCmd(f *cli.Factory, o *Options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "upgrade NAME --version V | --tkr TKR",
		Short: "Upgrade a cluster's Kubernetes version (one minor at a time, never down)",
		Long: cmdutil.LongDesc(`
			Move a class-based cluster to a newer Kubernetes version. The target must be
			a Ready TanzuKubernetesRelease of this management cluster (when it serves
			them), must not be older than the current version and must not skip a minor
			version. --dry-run shows the change without making it.

			A TanzuKubernetesCluster (vSphere with Tanzu) moves to a TanzuKubernetesRelease
			its Supervisor marks Compatible (refused with the release's own reason
			otherwise), one minor at a time: its control plane's and node pools'
			references change together and the Supervisor upgrades the control plane
			first, then the node pools. --wait waits until it is Ready at the new version.

			For many clusters: 'upgrade plan' (every blocker, the waves), 'upgrade apply'
			(the waves, resumable), 'upgrade status' and 'upgrade abort'. A cluster named
			like one of them is upgraded as cluster/NAME.`),
		Example: cmdutil.Examples(`
			# What can this cluster move to?
			kubectl tko cluster available-upgrades wc-team-a -n team-a

			# Upgrade to a TKR, showing the change first
			kubectl tko cluster upgrade wc-team-a -n team-a --tkr v1.30.2---vmware.1-tkg.1 --dry-run
			kubectl tko cluster upgrade wc-team-a -n team-a --tkr v1.30.2---vmware.1-tkg.1 --wait

			# A TanzuKubernetesCluster in a vSphere namespace
			kubectl tko cluster upgrade tkc-guest-1 -n vsphere-ns-1 --tkr v1.27.10---vmware.1-fips.1-tkg.1 --dry-run`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Version, "version", "", "Target Kubernetes version, e.g. v1.30.2+vmware.1.")
	cmd.Flags().StringVar(&o.TKR, "tkr", "", "Target TanzuKubernetesRelease, e.g. v1.30.2---vmware.1-tkg.1.")
	o.AddWaitFlags(cmd, common.DryRunHelp, "Wait until the cluster is Available at the new version")
	_ = cmd.RegisterFlagCompletionFunc("tkr", common.CompleteTKRs(f))
	cmd.AddCommand(plan.NewCmd(f, o.Streams), apply.NewCmd(f, o.Streams), status.NewCmd(f, o.Streams), abort.NewCmd(f, o.Streams))
	return cmd
}

// Validate checks the flags.
func (o *Options) Validate() error {
	switch {
	case o.Version != "" && o.TKR != "":
		return cmdutil.FlagErrorf("pass --version or --tkr, not both")
	case o.Version == "" && o.TKR == "":
		return cmdutil.FlagErrorf("missing the target: --version V or --tkr TKR (see available-upgrades)")
	}
	return o.Waiting.Validate()
}

// Run checks the target and moves the topology version.
func (o *Options) Run(ctx context.Context) error {
	c, _, guest, err := common.Resolve(ctx, o.Connect, o.Cluster)
	if err != nil {
		return err
	}
	if guest != nil {
		return o.upgradeTKC(ctx, c, guest)
	}
	target := o.Version + o.TKR
	tkrs, served, err := capi.ListTKRs(ctx, c.Dyn, c.API)
	if err != nil {
		return err
	}
	version, tkrName := target, ""
	if served {
		t, ok := capi.ResolveTKR(tkrs, target)
		if !ok {
			return &errs.NotFoundError{Kind: "TanzuKubernetesRelease", Name: target, Hint: "available here: " + capi.Names(tkrs)}
		}
		if !t.Ready || !t.Compatible {
			return cmdutil.Usagef("TanzuKubernetesRelease %s is not Ready and compatible with this management cluster", t.Name)
		}
		version, tkrName = t.Kubernetes, t.Name
	}
	updated, changes, err := capi.UpdateCluster(ctx, c.Dyn, c.API, c.Namespace, o.Cluster, o.DryRun.Any(), func(u *unstructured.Unstructured) error {
		current, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version")
		if err := capi.UpgradeCheck(current, version); err != nil {
			return err
		}
		if err := o.checkClass(ctx, c, u, version); err != nil {
			return err
		}
		return capi.SetVersion(u, version, tkrName)
	})
	if err != nil {
		return err
	}
	if err := common.PrintChanges(o.Streams.Out, updated, changes, o.DryRun.Any()); err != nil || !o.Wait || len(changes) == 0 {
		return err
	}
	return common.WaitAvailable(ctx, o.Streams, c, updated.GetNamespace(), updated.GetName(), "was changed", o.Timeout)
}

// upgradeTKC moves a TanzuKubernetesCluster to a TanzuKubernetesRelease
// the Supervisor marks Compatible, one minor at a time: the control plane's
// reference and the pools' in one change, which the Supervisor rolls out
// control plane first.
func (o *Options) upgradeTKC(ctx context.Context, c *common.Client, u *unstructured.Unstructured) error {
	releases, served, err := tkc.Releases(ctx, c.Dyn, c.API)
	if err != nil {
		return err
	}
	want := o.Version + o.TKR
	target, ok := tkc.Find(releases, want)
	if !served || !ok {
		names := make([]string, len(releases))
		for i, r := range releases {
			names[i] = r.Name
		}
		return &errs.NotFoundError{Kind: "TanzuKubernetesRelease", Name: want, Hint: "available here: " + errs.OrNone(names)}
	}
	current := tkc.FromUnstructured(u).ControlPlane.TKR
	from, ok := tkc.Find(releases, current)
	if !ok {
		from.Name, from.Kubernetes = current, capi.KubernetesVersionOfTKR(current)
	}
	if err := tkc.CheckUpgrade(from, target); err != nil {
		return err
	}
	fullVersion := target.Version
	if fullVersion == "" {
		fullVersion = strings.Replace(target.Name, "---", "+", 1)
	}
	updated, changed, err := common.UpdateTKC(ctx, c, o.Streams.Out, u, o.DryRun.Any(), func(u *unstructured.Unstructured) error {
		return tkc.SetTKR(u, target.Name, fullVersion)
	})
	if err != nil || !o.Wait || !changed {
		return err
	}
	return common.WaitReady(ctx, o.Streams, c, updated, target.Kubernetes, "was changed", o.Timeout)
}

// checkClass refuses versions the cluster's ClusterClass does not list.
func (o *Options) checkClass(ctx context.Context, c *common.Client, u *unstructured.Unstructured, version string) error {
	name, ns := capi.TopologyClass(u)
	if name == "" {
		return nil
	}
	class, err := c.Dyn.Resource(c.API.Resource("clusterclasses")).Namespace(ns).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		// The class is checked only where it can be read.
		return nil
	}
	return capi.ClassAllows(class, version)
}
