// Package apply implements `kubectl tko cluster upgrade apply`.
package apply

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgradeplan"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/plan"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/upgrade/status"
)

// Options holds the flags and state of `cluster upgrade apply`.
type Options struct {
	*plan.Options

	PlanFile       string
	Resume         bool
	SkipBackup     bool
	Soak           time.Duration
	Wait           cmdutil.WaitFlags // --timeout alone: apply always waits
	StateNamespace string
	DryRun         cmdutil.DryRun

	// Now and Holder are replaced by tests.
	Now    func() time.Time
	Holder string
}

// NewCmd returns `upgrade apply`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	host, _ := os.Hostname()
	o := &Options{Options: plan.NewOptions(f, streams), Wait: cmdutil.WaitFlags{Timeout: 60 * time.Minute}, StateNamespace: upgraderun.DefaultNamespace,
		Now: time.Now, Holder: fmt.Sprintf("%s/%d", host, os.Getpid())}
	cmd := &cobra.Command{
		Use:   "apply --plan FILE | [CLUSTER...] [--all-workload-clusters | --cluster-selector S] [--to TKR|VERSION] | --resume",
		Short: "Run an upgrade plan wave by wave: backup, upgrade, health gate, soak; resumable from anywhere",
		Long: cmdutil.LongDesc(`
			Run the waves of an upgrade plan (a file 'upgrade plan -o yaml' wrote, or a
			plan made now from the same flags as 'upgrade plan'). For each wave, in order:

			- a Velero backup of each cluster of the wave, waited until Completed
			  (--skip-backup leaves it out, and says so);
			- the upgrades of the wave, --parallel at once, each cluster one step
			  (one minor version) at a time, watched until it is Available at the
			  step's version with every machine on it (--timeout per cluster and step);
			- a health gate: any error 'observe health' reads from a cluster of the
			  wave stops the run;
			- --soak before the next wave starts.

			The first failure stops the run: no further wave starts, and the error says
			which clusters are done, which failed and which are not done.

			A plan file is refused when its clusters changed since it was made (re-plan),
			and when it puts a blocked cluster in a wave. The run's state (the plan, the
			wave, each cluster's step and backup) lives in the ConfigMap tko-upgrade-run
			of --state-namespace on the management cluster, written at every step: after
			Ctrl-C, a failure or a lost laptop, 'apply --resume' (from any machine)
			goes on where it stopped, never upgrading a cluster twice; 'upgrade status'
			shows it and 'upgrade abort' stops it. A second run is refused while one
			holds the state. Exit 5 on an interrupt, with where the run stopped.`),
		Example: cmdutil.Examples(`
			# What would run, changing nothing
			kubectl tko cluster upgrade plan --all-workload-clusters -o yaml > plan.yaml
			kubectl tko cluster upgrade apply --plan plan.yaml --dry-run

			# Run it, 3 clusters at once, 30 minutes of soak between waves
			kubectl tko cluster upgrade apply --plan plan.yaml --parallel 3 --soak 30m

			# Plan and run at once, to a release, without backups
			kubectl tko cluster upgrade apply --cluster-selector env=dev --to v1.31.1---vmware.2-tkg.2 --skip-backup

			# Go on after an interrupt or a fix, from any machine
			kubectl tko cluster upgrade apply --resume

			# What would run, as the run's state document
			kubectl tko cluster upgrade apply --plan plan.yaml --dry-run -o yaml`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddPlanFlags(f, cmd)
	cmd.Flags().StringVar(&o.PlanFile, "plan", "", "The UpgradePlan to run, as 'upgrade plan -o yaml' wrote it (- for standard input).")
	cmd.Flags().BoolVar(&o.Resume, "resume", false, "Go on with the run stored on the management cluster, where it stopped.")
	cmd.Flags().BoolVar(&o.SkipBackup, "skip-backup", false, "Take no Velero backup before upgrading a cluster (said on stderr).")
	cmd.Flags().DurationVar(&o.Soak, "soak", 0, "Wait this long after a wave's health gate before the next wave.")
	o.Wait.AddTimeoutFlag(cmd, "a cluster's step (or its backup) may take before the run stops there")
	status.AddStateNamespaceFlag(f, cmd, &o.StateNamespace)
	o.Output.AddFlags(cmd)
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Print the waves and steps that would run", "nothing is written, not even the run's state")
	_ = cmd.MarkFlagFilename("plan", "yaml", "yml", "json")
	return cmd
}

// Validate checks the flags before anything connects.
func (o *Options) Validate() error {
	if err := o.Options.Validate(); err != nil {
		return err
	}
	planning := len(o.Names) > 0 || o.Selection.WorkloadFleet() || o.To != ""
	switch {
	case o.Resume && (o.PlanFile != "" || planning):
		return cmdutil.FlagErrorf("--resume goes on with the stored run: pass no --plan, cluster or --to with it")
	case o.PlanFile != "" && planning:
		return cmdutil.FlagErrorf("pass --plan FILE or the flags of a plan (clusters, --to), not both")
	case !o.Resume && o.PlanFile == "" && !planning:
		return cmdutil.FlagErrorf("missing what to run: --plan FILE, clusters to plan (names, --all-workload-clusters, --cluster-selector) or --resume")
	case o.Resume && o.SkipBackup:
		return cmdutil.FlagErrorf("--skip-backup is chosen when a run starts: the resumed run keeps its choice (see 'upgrade status -o yaml')")
	case o.Resume && o.DryRun.Any():
		return cmdutil.FlagErrorf("--dry-run renders a plan: pass --plan FILE or plan flags, not --resume")
	case o.Soak < 0:
		return cmdutil.FlagErrorf("--soak cannot be negative")
	}
	return o.Wait.Validate(cmdutil.DryRunNone)
}

// Run starts (or resumes) the run and follows it to its end.
func (o *Options) Run(ctx context.Context) error {
	mgmt, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		return err
	}
	src, err := plan.Source(mgmt)
	if err != nil {
		return err
	}
	store := &upgraderun.Store{Dyn: mgmt.Dynamic, Namespace: o.StateNamespace}
	live := &upgraderun.Live{Dyn: mgmt.Dynamic, API: src.API, Connect: src.Connect, VeleroNamespace: o.VeleroNamespace, Now: o.Now}
	var run *upgraderun.Run
	if o.Resume {
		if run, err = o.takeOver(ctx, store); err != nil {
			return err
		}
	} else if run, err = o.start(ctx, mgmt, store, live); err != nil || run == nil {
		return err
	}
	if run.SkipBackup {
		fmt.Fprintf(o.Streams.ErrOut, "warning: --skip-backup: no Velero backup is taken before the clusters are upgraded\n")
	}
	r := &upgraderun.Runner{Store: store, Ops: live, Run: run,
		Opts: upgraderun.Options{Parallel: o.Selection.Parallel, Timeout: o.Wait.Timeout, Soak: o.Soak, Now: o.Now, Resume: o.resumeCommand(),
			Report: reporter(o.Streams.ErrOut, cmdutil.IsTerminal(o.Streams.ErrOut))}}
	err = r.Execute(ctx)
	if perr := o.print(run); perr != nil && err == nil {
		err = perr
	}
	return err
}

// print writes the run as it ended: the table, or with -o the run's state
// as 'upgrade status -o' prints it.
func (o *Options) print(run *upgraderun.Run) error {
	if o.Output.Human() {
		return status.Print(o.Streams.Out, run)
	}
	return o.Output.PrintData(o.Streams.Out, run)
}

// start reads or makes the plan, checks it against the clusters and
// stores the new run; with --dry-run it prints what would run instead.
func (o *Options) start(ctx context.Context, mgmt *kube.Clients, store *upgraderun.Store, live *upgraderun.Live) (*upgraderun.Run, error) {
	var p *upgradeplan.Plan
	if o.PlanFile != "" {
		raw, err := yamldoc.ReadFile(o.PlanFile, o.Streams.In)
		if err != nil {
			return nil, err
		}
		if p, err = upgraderun.ParsePlan(o.PlanFile, raw); err != nil {
			return nil, err
		}
	} else {
		var err error
		if p, err = o.Build(ctx, mgmt); err != nil {
			return nil, err
		}
		plan.PrintNotes(o.Streams.ErrOut, p)
	}
	run := upgraderun.NewRun(p, o.Holder, o.SkipBackup, o.Now())
	if len(run.Clusters) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "nothing to upgrade: no cluster of the plan is in a wave\n")
		return nil, nil
	}
	// A run holding the state is said first: its clusters have moved, so
	// the plan would be stale too.
	if old, err := store.Load(ctx); err == nil && old.Open() {
		return nil, &upgraderun.BusyError{Run: old, Namespace: o.StateNamespace}
	}
	if o.PlanFile != "" {
		if err := upgraderun.CheckFresh(ctx, live, run); err != nil {
			return nil, err
		}
	}
	if o.DryRun.Any() {
		if !o.Output.Human() {
			return nil, o.print(run)
		}
		return nil, render(o.Streams.Out, run, o.SkipBackup, o.Soak)
	}
	return run, store.Create(ctx, run)
}

// takeOver resumes the stored run: refused while its holder is alive.
func (o *Options) takeOver(ctx context.Context, store *upgraderun.Store) (*upgraderun.Run, error) {
	run, err := store.Load(ctx)
	if err != nil {
		return nil, err
	}
	now := o.Now()
	switch {
	case !run.Open():
		return nil, cmdutil.Usagef("the upgrade run is %s: nothing to resume; start another with 'upgrade apply --plan FILE'", run.Phase)
	case run.Holder != "" && run.Holder != o.Holder && !run.Stale(now, upgraderun.StaleAfter):
		return nil, &upgraderun.BusyError{Run: run, Namespace: o.StateNamespace}
	}
	run.Phase, run.Holder, run.Heartbeat, run.Message = upgraderun.PhaseRunning, o.Holder, now, ""
	if err := store.Save(ctx, run); err != nil {
		return nil, fmt.Errorf("another apply resumed the run at the same time: %w", err)
	}
	return run, nil
}

// resumeCommand is the command line that resumes the run.
func (o *Options) resumeCommand() string {
	cmd := "kubectl tko cluster upgrade apply --resume"
	if o.StateNamespace != upgraderun.DefaultNamespace {
		cmd += " --state-namespace " + o.StateNamespace
	}
	return cmd
}
