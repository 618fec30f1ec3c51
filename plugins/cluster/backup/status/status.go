// Package status implements `kubectl tko cluster backup status`.
package status

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup status`.
type Options struct {
	common.VeleroOptions
	MaxAge time.Duration
	Fleet  *cli.FleetFlags
	sel    fleet.Selection
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VeleroOptions: common.NewVeleroOptions(f, streams), MaxAge: 26 * time.Hour, Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:   "status [--all-workload-clusters] [--max-age 26h]",
		Short: "Is every cluster backed up? Velero, locations, the newest good backup, paused schedules, recent failures",
		Long: cmdutil.LongDesc(`
			For each cluster: the version of Velero's image, how many backup storage
			locations are Available (and which are not), the newest Completed backup
			and its age, schedules (and which are paused), and the backups that failed
			in the last 24 hours. Exits 1 when a cluster has no Completed backup within
			--max-age (default 26h: a nightly schedule with slack), so a CI job or a
			monitor can run it; a cluster that cannot be read is a row of its own
			(exit 1 with --strict).`),
		Example: cmdutil.Examples(`
			# Is every workload cluster backed up in the last day?
			kubectl tko cluster backup status --all-workload-clusters

			# Weekly backups are enough for the lab clusters
			kubectl tko cluster backup status --cluster-selector env=lab --max-age 170h`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	cmd.Flags().DurationVar(&o.MaxAge, "max-age", o.MaxAge, "A cluster whose newest Completed backup is older than this fails (exit 1).")
	common.AddFleetFlags(cmd, o.Fleet, "Report")
	return cmd
}

// Complete has nothing to resolve.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.VeleroOptions.Validate(); err != nil {
		return err
	}
	if o.MaxAge <= 0 {
		return cmdutil.FlagErrorf("--max-age must be positive")
	}
	var err error
	o.sel, err = o.Fleet.Selection(o.Factory)
	return err
}

// Row is one cluster's backup health.
type Row struct {
	Cluster string `json:"cluster,omitempty"`
	backup.Health
	Error string `json:"error,omitempty"`
}

// Run reads every target and reports.
func (o *Options) Run(ctx context.Context) error {
	now := time.Now()
	var (
		stream *cmdutil.RowWriter
		each   func(int, fleet.Result[backup.Health])
	)
	if cli.Streamed(o.Streams.Out, o.Output, o.sel) {
		// Each cluster's row as it answers, in columns fixed from the start.
		stream = o.table().StreamWriter(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, map[string]int{"CLUSTER": max(cli.TargetWidth(o.Factory, o.sel), 24),
			"VELERO": len("v1.18.3"), "LOCATIONS": len("1/2 available (unavailable: dr-site)"), "LAST SUCCESS": 30, "AGE": 5, "SCHEDULES": 24, "FAILED 24H": 24})
		each = func(_ int, r fleet.Result[backup.Health]) { stream.Write(o.row(rowOf(r), now)) }
	}
	// The resources are known: no discovery unless one is not served.
	report, err := cli.RunFleetDirect(ctx, o.Factory, o.sel, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (backup.Health, error) {
		h, err := backup.ReadHealth(ctx, t.Clients.Dynamic, o.VeleroNamespace, now, o.MaxAge)
		if apierrors.IsNotFound(err) {
			// Velero's API is not served: discovery words it as every
			// backup verb does.
			if _, derr := t.Discover(ctx, common.Requirements...); derr != nil {
				return h, derr
			}
		}
		return h, err
	}, each)
	if err != nil {
		return err
	}
	results := report.Results
	rows := make([]Row, len(results))
	stale := 0
	for i, r := range results {
		rows[i] = rowOf(r)
		if r.Err == nil && !r.Value.WithinMaxAge {
			stale++
		}
	}
	switch {
	case stream != nil:
	case !o.Output.Human():
		err = o.Output.PrintData(o.Streams.Out, rows)
	default:
		err = o.print(rows, now)
	}
	if err != nil {
		return err
	}
	if stale > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "%d cluster(s) without a Completed backup in the last %s\n", stale, o.MaxAge)
		return explain.Failure()
	}
	return report.Exit()
}

func rowOf(r fleet.Result[backup.Health]) Row {
	row := Row{Cluster: r.Target, Health: r.Value}
	if r.Err != nil {
		row.Error = explain.Message(r.Err)
	}
	return row
}

func (o *Options) table() *cmdutil.Table {
	return &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER", Hidden: !o.sel.Fleet()}, {Header: "VELERO"}, {Header: "LOCATIONS"}, {Header: "LAST SUCCESS"},
		{Header: "AGE"}, {Header: "SCHEDULES"}, {Header: "FAILED 24H"}, {Header: "STATUS"}}}
}

func (o *Options) print(rows []Row, now time.Time) error {
	w := o.table().Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, r := range rows {
		w.Write(o.row(r, now))
	}
	return w.Flush()
}

func (o *Options) row(r Row, now time.Time) []string {
	if r.Error != "" {
		return []string{r.Cluster, "Error: " + r.Error}
	}
	locations := fmt.Sprintf("%d/%d available", r.Available, r.Locations)
	if len(r.Unavailable) > 0 {
		locations += " (unavailable: " + strings.Join(r.Unavailable, ",") + ")"
	}
	schedules := fmt.Sprint(r.Schedules)
	if len(r.Paused) > 0 {
		schedules += " (paused: " + strings.Join(r.Paused, ",") + ")"
	}
	status := "OK"
	if !r.WithinMaxAge {
		status = "NO BACKUP WITHIN " + o.MaxAge.String()
	}
	return []string{r.Cluster, cmdutil.OrDash(r.Velero), locations, cmdutil.OrDash(r.LastSuccess), common.Age(r.LastSuccessAt, now),
		schedules, cmdutil.OrDash(strings.Join(r.FailedLastDay, ",")), status}
}
