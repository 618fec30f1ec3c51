// Package plan implements `kubectl tko cluster upgrade plan`.
package plan

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	backupcommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// DefaultCanarySelector marks the clusters upgraded first.
const DefaultCanarySelector = "tko.tanzu.vmware.com/canary=true"

// Options holds the flags and state of `cluster upgrade plan`.
type Options struct {
	cli.FleetOptions

	Names           []string
	To              string
	CanarySelector  string
	WaveSize        string
	BackupMaxAge    time.Duration
	VeleroNamespace string

	canary labels.Selector
	size   upgradeplan.WaveSize
}

// NewCmd returns `upgrade plan`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(f, streams)
	cmd := &cobra.Command{
		Use:   "plan [CLUSTER...] [--all-workload-clusters | --cluster-selector S] [--to TKR|VERSION]",
		Short: "Plan a fleet upgrade: each workload cluster's next version, every blocker, and the waves",
		Long: cmdutil.LongDesc(`
			Plan the upgrade of workload clusters (Clusters and TanzuKubernetesClusters):
			for each, the version it runs, the next one (one minor at a time; with --to,
			the chain of steps up to that release) and every blocker, with its cause and
			fix, read from the clusters themselves:

			- a TanzuKubernetesRelease of a step that is not Compatible or not Ready
			  (its condition's message), or a minor version no release offers;
			- the management cluster older than the target (it is upgraded first, by
			  its own procedure, and is never in a wave);
			- the cluster not Available, machines not ready, or errors in what
			  'observe health' reads from it (nodes, pods, workloads, packages);
			- deprecated APIs still requested, from the workload API server's
			  apiserver_requested_deprecated_apis gauge: removed at or before the
			  target blocks, an unannounced removal is a warning;
			- PodDisruptionBudgets that allow no eviction, so node drains never end;
			- installed Carvel packages whose Package does not support the target's
			  Kubernetes or kapp-controller version;
			- no Completed Velero backup newer than --backup-max-age, where a backup
			  location exists.

			A node pool without a MachineHealthCheck is a warning. A workload cluster that
			cannot be reached is a blocked row saying why.

			Clusters that can move are put in waves: those matching --canary-selector
			first, then waves of --wave-size. Blocked clusters are listed in no wave.
			-o json|yaml prints the plan as an UpgradePlan document (every blocker as
			data, each cluster's resourceVersion, the time it was made). Exit 1 when any
			selected cluster is blocked, so a pipeline can gate on it.

			'upgrade NAME --tkr TKR' still upgrades one cluster; a cluster named "plan"
			is upgraded with 'upgrade cluster/plan --tkr TKR'.`),
		Example: cmdutil.Examples(`
			# The next minor of every workload cluster, its blockers and waves
			kubectl tko cluster upgrade plan --all-workload-clusters

			# Two clusters of a namespace, all the way to a release (every step planned)
			kubectl tko cluster upgrade plan wc-team-a wc-team-b -n team-a --to v1.31.1---vmware.2-tkg.2

			# As a document, in waves of 5 clusters after the canaries
			kubectl tko cluster upgrade plan --cluster-selector env=prod --wave-size 5 -o yaml > plan.yaml`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddPlanFlags(f, cmd)
	o.Output.AddFlags(cmd)
	return cmd
}

// NewOptions returns the options of a plan, with their defaults.
func NewOptions(f *cli.Factory, streams genericiooptions.IOStreams) *Options {
	o := &Options{FleetOptions: cli.NewFleetOptions(f, streams), CanarySelector: DefaultCanarySelector,
		WaveSize: upgradeplan.DefaultWaveSize, BackupMaxAge: 24 * time.Hour, VeleroNamespace: backup.DefaultNamespace}
	o.Fleet.FailAlways = true
	return o
}

// AddPlanFlags registers the flags that say what to plan: 'upgrade apply'
// plans with the same flags when it is given no plan file.
func (o *Options) AddPlanFlags(f *cli.Factory, cmd *cobra.Command) {
	o.Fleet.AddClusterFlags(cmd, "Workload clusters to plan (comma-separated), like CLUSTER arguments.")
	o.Fleet.AddRunFlags(cmd, "")
	cmd.Flags().StringVar(&o.To, "to", "", "Target TanzuKubernetesRelease or Kubernetes version; the plan goes one minor at a time up to it (default: the next minor).")
	cmd.Flags().StringVar(&o.CanarySelector, "canary-selector", o.CanarySelector, "Label selector of the clusters upgraded first, in a wave of their own (\"\" for none).")
	cmd.Flags().StringVar(&o.WaveSize, "wave-size", o.WaveSize, "Clusters per wave after the canaries: a share of the clusters that can move (25%) or a count (5).")
	cmd.Flags().DurationVar(&o.BackupMaxAge, "backup-max-age", o.BackupMaxAge, "A cluster with a backup location needs a Completed Velero backup newer than this.")
	backupcommon.AddNamespaceFlag(cmd, &o.VeleroNamespace)
	_ = cmd.RegisterFlagCompletionFunc("to", common.CompleteTKRs(f))
}

// Complete takes the cluster names.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	names, err := common.ParseNames(args)
	o.Names = names
	return err
}

// Validate checks every flag before anything connects.
func (o *Options) Validate() error {
	if err := o.FleetOptions.Validate(); err != nil {
		return err
	}
	if len(o.Names) > 0 && o.Selection.WorkloadFleet() {
		return cmdutil.FlagErrorf("name clusters as arguments or select them with --cluster, --all-workload-clusters or --cluster-selector, not both")
	}
	var err error
	if o.canary, err = labels.Parse(o.CanarySelector); err != nil {
		return cmdutil.FlagErrorf("--canary-selector %q: %v", o.CanarySelector, err)
	}
	if o.size, err = upgradeplan.ParseWaveSize(o.WaveSize); err != nil {
		return cmdutil.FlagErrorf("%v", err)
	}
	if o.BackupMaxAge <= 0 {
		return cmdutil.FlagErrorf("--backup-max-age must be positive, e.g. 24h")
	}
	if o.Selection.ClusterSelector != "" {
		if _, err := labels.Parse(o.Selection.ClusterSelector); err != nil {
			return cmdutil.FlagErrorf("--cluster-selector %q: %v", o.Selection.ClusterSelector, err)
		}
	}
	return nil
}

// Run reads the clusters, prints the plan and fails when a cluster is blocked.
func (o *Options) Run(ctx context.Context) error {
	mgmt, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		return err
	}
	plan, err := o.Build(ctx, mgmt)
	if err != nil {
		return err
	}
	if o.Output.Human() {
		if err := o.printTable(plan); err != nil {
			return err
		}
	} else if err := o.Output.PrintData(o.Streams.Out, plan); err != nil {
		return err
	}
	PrintNotes(o.Streams.ErrOut, plan)
	if len(plan.Blocked()) > 0 {
		return explain.Failure()
	}
	return nil
}

// Source is how a plan reads the management cluster and reaches its
// workload clusters.
func Source(mgmt *kube.Clients) (upgradeplan.Source, error) {
	api, err := capi.FromServed(mgmt.Served)
	if err != nil {
		return upgradeplan.Source{}, err
	}
	tune := func(cfg *rest.Config) {
		cfg.Timeout, cfg.QPS, cfg.Burst = mgmt.Config.Timeout, mgmt.Config.QPS, mgmt.Config.Burst
	}
	return upgradeplan.Source{Dyn: mgmt.Dynamic, API: api, Server: mgmt.Config.Host,
		Connect: func(ctx context.Context, namespace, name string) (*kube.Clients, error) {
			return fleet.Connect(ctx, mgmt.Dynamic, namespace, name, tune)
		}}, nil
}

// Build reads the selected clusters and makes the plan.
func (o *Options) Build(ctx context.Context, mgmt *kube.Clients) (*upgradeplan.Plan, error) {
	src, err := Source(mgmt)
	if err != nil {
		return nil, err
	}
	sel := o.Selection
	namespace := mgmt.Namespace
	if sel.AllWorkloadClusters || sel.ClusterSelector != "" {
		namespace = metav1.NamespaceAll
	}
	names := append(append([]string(nil), o.Names...), sel.Clusters...)
	return upgradeplan.Build(ctx, src, upgradeplan.Options{
		Namespace: namespace, Names: names, Selector: sel.ClusterSelector, Target: o.To,
		Canary: o.canary, WaveSize: o.size, BackupMaxAge: o.BackupMaxAge, VeleroNamespace: o.VeleroNamespace,
		Fleet: sel.Options, Now: time.Now(),
		Spec: upgradeplan.Spec{Target: o.To, CanarySelector: o.CanarySelector, WaveSize: o.WaveSize, BackupMaxAge: o.BackupMaxAge.String()},
	})
}

func (o *Options) printTable(plan *upgradeplan.Plan) error {
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAMESPACE", Wide: true}, {Header: "CLUSTER"}, {Header: "KIND", Wide: true},
		{Header: "CURRENT"}, {Header: "NEXT"}, {Header: "STEPS", Wide: true}, {Header: "BLOCKERS"}, {Header: "WARNINGS", Wide: true}, {Header: "WAVE"}}}
	for _, c := range plan.Clusters {
		steps := make([]string, len(c.Steps))
		for i, s := range c.Steps {
			steps[i] = s.KubernetesVersion
		}
		t.Rows = append(t.Rows, []string{c.Namespace, c.Name, c.Kind, c.CurrentVersion, cmdutil.OrDash(c.Next()),
			cmdutil.OrDash(strings.Join(steps, " → ")), cmdutil.OrDash(summary(c.Blockers)), strconv.Itoa(len(c.Warnings)), wave(c)})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// summary is the first blocker's cause, and how many more there are.
func summary(fs []upgradeplan.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	s := fs[0].Cause
	if len(fs) > 1 {
		s += fmt.Sprintf(" (+%d more)", len(fs)-1)
	}
	return s
}

func wave(c upgradeplan.Cluster) string {
	switch {
	case c.Wave == 0:
		return "-"
	case c.Canary:
		return strconv.Itoa(c.Wave) + " (canary)"
	}
	return strconv.Itoa(c.Wave)
}

// PrintNotes says on stderr what the table cannot: the management
// cluster's place, each blocker with its fix, each warning.
func PrintNotes(w io.Writer, plan *upgradeplan.Plan) {
	if m := plan.Management; m != nil {
		fmt.Fprintf(w, "note: %s/%s (%s): %s\n", m.Namespace, m.Name, m.Version, m.Note)
	}
	for _, c := range plan.Clusters {
		for _, f := range c.Blockers {
			fmt.Fprintf(w, "blocker: %s: %s: %s; fix: %s\n", c.Key(), f.Code, f.Cause, f.Fix)
		}
		for _, f := range c.Warnings {
			fmt.Fprintf(w, "warning: %s: %s: %s; fix: %s\n", c.Key(), f.Code, f.Cause, f.Fix)
		}
	}
	moving := 0
	for _, wv := range plan.Waves {
		moving += len(wv.Clusters)
	}
	fmt.Fprintf(w, "plan: %d cluster(s), %d blocked, %d in %d wave(s)\n", len(plan.Clusters), len(plan.Blocked()), moving, len(plan.Waves))
}
