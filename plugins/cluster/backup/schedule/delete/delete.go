// Package delete implements `kubectl tko cluster backup schedule delete`.
package delete

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup schedule delete`.
type Options struct {
	common.Deletion
	common.Fleetwide
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Deletion: common.NewDeletion(f, streams), Fleetwide: common.NewFleetwide()}
	cmd := &cobra.Command{
		Use:   "delete NAME --yes",
		Short: "Delete a Velero schedule (the backups it made stay), on one cluster or a fleet",
		Long: cmdutil.LongDesc(`
			Delete a Velero Schedule: no more backups are made; the backups it made stay
			until their TTL ends. Asks first on a terminal; --yes skips the question.

			With --cluster, --all-workload-clusters or --cluster-selector, the schedule
			is deleted on each selected workload cluster, a row per cluster: deleted,
			not found (exit 3 only when no selected cluster has it) or the error (exit 1
			with --strict). On a terminal the question is asked once, naming on how many
			clusters the schedule was found; from a script --yes is needed.`),
		Example: cmdutil.Examples(`
			# Stop the nightly backups
			kubectl tko cluster backup schedule delete nightly --yes

			# What would be deleted on every workload cluster
			kubectl tko cluster backup schedule delete nightly --all-workload-clusters --dry-run

			# Stop them on every lab cluster
			kubectl tko cluster backup schedule delete nightly --cluster-selector env=lab --yes`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Schedules),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	o.AddFleetFlags(cmd, "Delete the schedule")
	return cmd
}

// Validate checks -o, --dry-run and the fleet flags.
func (o *Options) Validate() error {
	if err := o.Deletion.Validate(); err != nil {
		return err
	}
	return o.Select(o.Factory)
}

// Run deletes the schedule, on the current cluster or on each cluster of a
// fleet.
func (o *Options) Run(ctx context.Context) error {
	if o.IsFleet() {
		return o.runFleet(ctx)
	}
	c, err := o.Connect()
	if err != nil {
		return err
	}
	u, err := backup.Get(ctx, c.Dynamic, backup.Schedules, o.VeleroNamespace, o.Name)
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		return o.Print(u, "deleted", true)
	}
	if err := o.Confirm(fmt.Sprintf("Delete schedule %s?", o.Name)); err != nil {
		return err
	}
	if err := o.delete(ctx, c); err != nil {
		return err
	}
	return cli.PrintAction(o.Streams.Out, u, "deleted", o.DryRun.Server())
}

// runFleet deletes on each selected cluster. Asked on a terminal, it looks
// first: the one question names on how many clusters the schedule is, and
// only those are then changed.
func (o *Options) runFleet(ctx context.Context) error {
	remove := func(ctx context.Context, c *kube.Clients) (string, error) {
		if o.DryRun.Client() {
			_, err := backup.Get(ctx, c.Dynamic, backup.Schedules, o.VeleroNamespace, o.Name)
			return common.Done("deleted", true), err
		}
		return common.Done("deleted", o.DryRun.Server()), o.delete(ctx, c)
	}
	if o.Yes || o.DryRun.Any() {
		results, err := o.Apply(ctx, &o.VeleroOptions, remove)
		if err != nil {
			return err
		}
		return o.Report(&o.VeleroOptions, "schedule", o.Name, results)
	}
	looked, err := o.Apply(ctx, &o.VeleroOptions, func(ctx context.Context, c *kube.Clients) (string, error) {
		_, err := backup.Get(ctx, c.Dynamic, backup.Schedules, o.VeleroNamespace, o.Name)
		return "found", err
	})
	if err != nil {
		return err
	}
	n := common.CountFound(looked)
	if n == 0 {
		return o.Report(&o.VeleroOptions, "schedule", o.Name, looked)
	}
	if err := o.Confirm(fmt.Sprintf("Delete schedule %s on %d of %d selected cluster(s)?", o.Name, n, len(looked))); err != nil {
		return err
	}
	return o.Report(&o.VeleroOptions, "schedule", o.Name, o.ApplyAgain(ctx, looked, remove))
}

// delete deletes the schedule (checked only, with --dry-run=server).
func (o *Options) delete(ctx context.Context, c *kube.Clients) error {
	opts := metav1.DeleteOptions{}
	if o.DryRun.Server() {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	return c.Dynamic.Resource(backup.Schedules).Namespace(o.VeleroNamespace).Delete(ctx, o.Name, opts)
}
