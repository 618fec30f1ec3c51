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
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup schedule delete`.
type Options struct {
	common.Deletion
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Deletion: common.NewDeletion(f, streams)}
	cmd := &cobra.Command{
		Use:   "delete NAME --yes",
		Short: "Delete a Velero schedule (the backups it made stay)",
		Long: cmdutil.LongDesc(`
			Delete a Velero Schedule: no more backups are made; the backups it made stay
			until their TTL ends. Asks first on a terminal; --yes skips the question.`),
		Example: cmdutil.Examples(`
			# Stop the nightly backups
			kubectl tko cluster backup schedule delete nightly --yes`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Schedules),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Run deletes the schedule.
func (o *Options) Run(ctx context.Context) error {
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
	opts := metav1.DeleteOptions{}
	if o.DryRun.Server() {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	if err := c.Dynamic.Resource(backup.Schedules).Namespace(o.VeleroNamespace).Delete(ctx, o.Name, opts); err != nil {
		return err
	}
	return cli.PrintAction(o.Streams.Out, u, "deleted", o.DryRun.Server())
}
