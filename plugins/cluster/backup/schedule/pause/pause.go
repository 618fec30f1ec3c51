// Package pause implements `kubectl tko cluster backup schedule pause` and
// `unpause`.
package pause

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `schedule pause` and `unpause`.
type Options struct {
	common.Change
	common.Fleetwide
	Paused bool
}

// NewCmd returns pause (paused true) or unpause.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams, paused bool) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams), Fleetwide: common.NewFleetwide(), Paused: paused}
	verb, what, fleetWhat, example := "unpause", "Resume a paused Velero schedule", "Resume the schedule", "Resume the nightly backups of every production cluster"
	if paused {
		verb, what, fleetWhat, example = "pause", "Pause a Velero schedule: no backups until unpaused", "Pause the schedule", "Pause the nightly backups of every workload cluster"
	}
	fleetExample := "--cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod"
	if paused {
		fleetExample = "--all-workload-clusters"
	}
	cmd := &cobra.Command{
		Use:   verb + " NAME",
		Short: what,
		Long: cmdutil.LongDesc(what + `. Backups it made stay; running it again changes
			nothing.

			With --cluster, --all-workload-clusters or --cluster-selector, the schedule
			is ` + verb + `d on each selected workload cluster, a row per cluster:
			` + verb + `d, unchanged, not found (exit 3 only when no selected cluster has
			it) or the error (exit 1 with --strict).`),
		Example: cmdutil.Examples(fmt.Sprintf("\n# %s\nkubectl tko cluster backup schedule %s nightly\n\n# %s\nkubectl tko cluster backup schedule %s nightly %s\n\n"+
			"# What would change on each of them\nkubectl tko cluster backup schedule %s nightly %s --dry-run",
			what, verb, example, verb, fleetExample, verb, fleetExample)),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Schedules),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	o.AddFleetFlags(cmd, fleetWhat)
	cmd.Flags().Lookup("dry-run").Usage = "Check with the API server instead of storing (client and server both ask the server)."
	return cmd
}

// Validate checks -o, --dry-run and the fleet flags.
func (o *Options) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	return o.Select(o.Factory)
}

// Run sets spec.paused (server-side dry run with --dry-run), on the current
// cluster or on each cluster of a fleet.
func (o *Options) Run(ctx context.Context) error {
	if o.IsFleet() {
		results, err := o.Apply(ctx, &o.Base, func(ctx context.Context, c *kube.Clients) (string, error) {
			_, changed, err := backup.SetPaused(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.Paused, o.DryRun.Any())
			return o.done(changed), err
		})
		if err != nil {
			return err
		}
		return o.Report(&o.Base, "schedule", o.Name, results)
	}
	c, err := o.Connect()
	if err != nil {
		return err
	}
	u, changed, err := backup.SetPaused(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.Paused, o.DryRun.Any())
	if err != nil {
		return err
	}
	return o.Print(u, o.verb(changed), o.DryRun.Any())
}

// verb says what was done: paused, unpaused or unchanged.
func (o *Options) verb(changed bool) string {
	if !changed {
		return "unchanged"
	}
	return map[bool]string{true: "paused", false: "unpaused"}[o.Paused]
}

// done is a fleet row's result: the verb, marked when nothing was stored.
func (o *Options) done(changed bool) string {
	return common.Done(o.verb(changed), changed && o.DryRun.Any())
}
