package common

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Pausing is the shape of `schedule pause` and `schedule unpause`: a
// schedule's spec.paused set to Paused, on the current cluster or on each
// cluster of a fleet.
type Pausing struct {
	Change
	Fleetwide
	Paused bool
}

// NewPausing returns the options of pause (paused true) or unpause.
func NewPausing(f *cli.Factory, streams genericiooptions.IOStreams, paused bool) Pausing {
	return Pausing{Change: NewChange(f, streams), Fleetwide: NewFleetwide(), Paused: paused}
}

// Command completes help (Short, Long, Example) into the `pause NAME` or
// `unpause NAME` command run by v, the verb whose Pausing o is, with the
// Change and fleet flags; fleetWhat starts the fleet flags' help ("Pause
// the schedule").
func (o *Pausing) Command(f *cli.Factory, v cli.Verb, fleetWhat string, help *cobra.Command) *cobra.Command {
	help.Use = "unpause NAME"
	if o.Paused {
		help.Use = "pause NAME"
	}
	help.Args, help.ValidArgsFunction, help.RunE = cmdutil.ExactArgs("NAME"), CompleteNames(f, backup.Schedules), cli.RunE(f, v)
	o.AddFlags(help)
	o.AddFleetFlags(help, fleetWhat)
	help.Flags().Lookup("dry-run").Usage = "Check with the API server instead of storing (client and server both ask the server)."
	return help
}

// Validate checks -o, --dry-run and the fleet flags.
func (o *Pausing) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	return o.Select(o.Factory)
}

// Run sets spec.paused (server-side dry run with --dry-run), on the current
// cluster or on each cluster of a fleet.
func (o *Pausing) Run(ctx context.Context) error {
	if o.IsFleet() {
		results, err := o.Apply(ctx, &o.VeleroOptions, func(ctx context.Context, c *kube.Clients) (string, error) {
			_, changed, err := backup.SetPaused(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.Paused, o.DryRun.Any())
			return o.done(changed), err
		})
		if err != nil {
			return err
		}
		return o.Report(&o.VeleroOptions, "schedule", o.Name, results)
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
func (o *Pausing) verb(changed bool) string {
	switch {
	case !changed:
		return "unchanged"
	case o.Paused:
		return "paused"
	}
	return "unpaused"
}

// done is a fleet row's result: the verb, marked when nothing was stored.
func (o *Pausing) done(changed bool) string {
	return Done(o.verb(changed), changed && o.DryRun.Any())
}
