// Package create implements `kubectl tko cluster backup schedule create`.
package create

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
	groupcommon "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/group/common"
)

// Options holds the flags and state of `backup schedule create`.
type Options struct {
	common.Change
	Scope  common.BackupScope
	Cron   string
	Paused bool
	Force  bool
	common.Fleetwide

	obj *unstructured.Unstructured
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams), Fleetwide: common.NewFleetwide()}
	cmd := &cobra.Command{
		Use:   "create NAME --schedule CRON [scope flags]",
		Short: "Schedule Velero backups with a cron expression, on one cluster or a fleet",
		Long: cmdutil.LongDesc(`
			Create a Velero Schedule: Velero makes a backup named NAME-<timestamp>
			whenever the cron expression (five fields: minute hour day-of-month month
			day-of-week, or @daily, @every 6h) says, with the scope of the flags, as
			'backup create'. An invalid expression is refused before anything is
			created (exit 2). Running it again with the same cron and scope changes
			nothing; another cron or scope under the same name is refused (exit 2).
			` + common.ExcludedNote + `

			With --cluster, --all-workload-clusters or --cluster-selector, the same
			Schedule is created on each selected workload cluster, a row per cluster.
			Workload clusters that a cluster group holds schedules in are refused
			(exit 2), naming the group: attach the schedule to the group instead, or
			pass --force.`),
		Example: cmdutil.Examples(`
			# Every night at 02:00, kept a week
			kubectl tko cluster backup schedule create nightly --schedule "0 2 * * *" --ttl 168h

			# Hourly backups of one namespace on every production cluster
			kubectl tko cluster backup schedule create shop-hourly --schedule @hourly --include-namespaces shop --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod`),
		Args: cmdutil.ExactArgs("NAME"),
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	o.Scope.AddFlags(cmd, f)
	cmd.Flags().StringVar(&o.Cron, "schedule", "", "When to back up: a cron expression (\"0 2 * * *\") or @daily, @every 6h.")
	cmd.Flags().BoolVar(&o.Paused, "paused", false, "Create the schedule paused.")
	cmd.Flags().BoolVar(&o.Force, "force", false, "Create it on workload clusters that a cluster group holds schedules in (refused otherwise: see 'kubectl tko cluster group').")
	o.AddFleetFlags(cmd, "Schedule backups")
	return cmd
}

// Validate checks every flag (the cron expression too) before any connection.
func (o *Options) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	if o.Cron == "" {
		return cmdutil.FlagErrorf("missing --schedule CRON (e.g. \"0 2 * * *\" or @daily)")
	}
	spec, err := o.Scope.Spec()
	if err != nil {
		return err
	}
	if o.obj, err = backup.NewSchedule(o.VeleroNamespace, o.Name, o.Cron, spec, o.Paused); err != nil {
		return cmdutil.Usagef("--schedule: %v", err)
	}
	return o.Select(o.Factory)
}

// Run creates the schedule on every target.
func (o *Options) Run(ctx context.Context) error {
	if !o.Force {
		if err := groupcommon.RefuseGoverned(ctx, o.Factory, o.Selection(), groups.KindSchedule); err != nil {
			return err
		}
	}
	if o.DryRun.Client() && !o.IsFleet() {
		return o.Print(o.obj, "created", true)
	}
	report, err := cli.RunFleet(ctx, o.Factory, o.Selection(), common.Requirements, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (common.Row, error) {
		row := common.Row{Name: o.Name, Phase: "(dry run)"}
		if o.DryRun.Client() {
			return row, nil
		}
		if _, err := backup.CheckLocation(ctx, t.Clients.Dynamic, o.VeleroNamespace, o.Scope.Location()); err != nil {
			return row, err
		}
		stored, created, err := backup.CreateSchedule(ctx, t.Clients.Dynamic, o.obj.DeepCopy(), o.DryRun.Server())
		if err != nil {
			return row, err
		}
		row.Phase, _, _ = unstructured.NestedString(stored.Object, "status", "phase")
		verb := map[bool]string{true: "created", false: "unchanged"}[created]
		if t.Name == "" {
			return row, o.Print(stored, verb, o.DryRun.Server())
		}
		return row, nil
	})
	if err != nil {
		return err
	}
	if !o.IsFleet() {
		return nil
	}
	return o.PrintRows(report)
}
