package cli

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
)

// FleetFlags are the shared flags of every fleet command: kubeconfig
// contexts (--all-contexts, or --context a,b), workload clusters of the
// management cluster (--cluster a,b, --all-workload-clusters,
// --cluster-selector), --parallel, --target-timeout and --strict. A command
// registers the groups that apply to it.
type FleetFlags struct {
	sel      fleet.Selection
	contexts bool
	clusters bool
}

// NewFleetFlags returns fleet flags with the defaults of every plugin.
func NewFleetFlags() *FleetFlags {
	return &FleetFlags{sel: fleet.Selection{Options: fleet.Options{Parallel: 8, Timeout: fleet.DefaultTimeout}}}
}

// AddContextFlags registers --all-contexts (--context a,b is kubectl's own
// flag, read from the factory) with --parallel, --strict and the timeout.
func (ff *FleetFlags) AddContextFlags(cmd *cobra.Command, timeoutFlag string) {
	ff.contexts = true
	cmd.Flags().BoolVar(&ff.sel.AllContexts, "all-contexts", false, "Run against every context in the kubeconfig (a fleet view).")
	ff.addCommon(cmd, timeoutFlag)
}

// AddClusterFlags registers --cluster, --all-workload-clusters and
// --cluster-selector with --parallel, --strict and the timeout.
func (ff *FleetFlags) AddClusterFlags(cmd *cobra.Command, clusterUsage, timeoutFlag string) {
	ff.clusters = true
	cmd.Flags().StringSliceVar(&ff.sel.Clusters, "cluster", nil, clusterUsage)
	cmd.Flags().BoolVar(&ff.sel.AllWorkloadClusters, "all-workload-clusters", false, "Every workload cluster of this management cluster (all namespaces).")
	cmd.Flags().StringVar(&ff.sel.ClusterSelector, "cluster-selector", "", "Workload clusters whose Cluster object matches this label selector, e.g. tkg.tanzu.vmware.com/cluster-plan=prod.")
	ff.addCommon(cmd, timeoutFlag)
}

func (ff *FleetFlags) addCommon(cmd *cobra.Command, timeoutFlag string) {
	if cmd.Flags().Lookup("parallel") != nil {
		return
	}
	cmd.Flags().IntVar(&ff.sel.Parallel, "parallel", ff.sel.Parallel, "Targets queried at once in a fleet run.")
	cmd.Flags().BoolVar(&ff.sel.Strict, "strict", false, "Exit 1 when any target of a fleet run failed.")
	if timeoutFlag == "" {
		timeoutFlag = "target-timeout"
	}
	cmd.Flags().DurationVar(&ff.sel.Timeout, timeoutFlag, ff.sel.Timeout, "Give up on one target of a fleet run after this long.")
}

// Selection validates the fleet flags (before any connection) and returns
// what they select. The factory's --context may name several contexts,
// comma-separated.
func (ff *FleetFlags) Selection(f *Factory) (fleet.Selection, error) {
	sel := ff.sel
	given := ""
	if f.ConfigFlags.Context != nil {
		given = *f.ConfigFlags.Context
	}
	if ff.contexts && strings.Contains(given, ",") {
		for _, c := range strings.Split(given, ",") {
			if c = strings.TrimSpace(c); c != "" {
				sel.Contexts = append(sel.Contexts, c)
			}
		}
	}
	switch {
	case sel.AllContexts && given != "":
		return sel, FlagErrorf("--all-contexts and --context cannot be used together")
	case len(sel.Clusters) > 0 && sel.AllWorkloadClusters:
		return sel, FlagErrorf("--cluster and --all-workload-clusters are exclusive")
	case len(sel.Clusters) > 0 && sel.ClusterSelector != "":
		return sel, FlagErrorf("--cluster and --cluster-selector are exclusive")
	case sel.ContextFleet() && sel.WorkloadFleet():
		return sel, FlagErrorf("choose contexts (--all-contexts, --context a,b) or workload clusters (--cluster, --all-workload-clusters), not both")
	case sel.Parallel < 1:
		return sel, FlagErrorf("--parallel must be at least 1")
	case sel.Timeout < 0:
		return sel, FlagErrorf("the per-target timeout cannot be negative")
	}
	return sel, nil
}

// SetTimeout changes the default per-target timeout of a command before
// its flags are registered.
func (ff *FleetFlags) SetTimeout(d time.Duration) { ff.sel.Timeout = d }
