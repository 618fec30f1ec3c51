// Package delete implements `kubectl tko cluster backup location delete`.
package delete

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup location delete`.
type Options struct {
	common.Deletion
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Deletion: common.NewDeletion(f, streams)}
	cmd := &cobra.Command{
		Use:   "delete NAME --yes",
		Short: "Delete a backup storage location and the credentials Secret 'location add' made for it",
		Long: cmdutil.LongDesc(`
			Delete a BackupStorageLocation, and its Secret NAME-credentials when 'location
			add' made it. The data in the object store stays: adding the location again
			brings its backups back (Velero syncs them). Asks first on a terminal; --yes
			skips the question.`),
		Example: cmdutil.Examples(`
			# Retire the DR store
			kubectl tko cluster backup location delete dr-site --yes`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Locations),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Run deletes the location and its credentials.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if err := o.Confirm(fmt.Sprintf("Delete backup storage location %s (its data in the store stays)?", o.Name)); err != nil {
		return err
	}
	deleted, err := backup.DeleteLocation(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.DryRun.Any())
	if err != nil {
		return err
	}
	for _, u := range deleted {
		if err := cli.PrintAction(o.Streams.Out, u, "deleted", o.DryRun.Any()); err != nil {
			return err
		}
	}
	return nil
}
