// Package delete implements `kubectl tko cluster backup delete`.
package delete

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup delete`.
type Options struct {
	common.Deletion
	Wait cmdutil.WaitFlags
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Deletion: common.NewDeletion(f, streams), Wait: cmdutil.WaitFlags{Timeout: 5 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "delete NAME --yes",
		Short: "Delete a Velero backup and its data in the object store",
		Long: cmdutil.LongDesc(`
			Delete a backup the way Velero does: through a DeleteBackupRequest, so its
			data in the object store goes with it (deleting the Backup object alone
			leaves the data, and Velero syncs the backup back from the store). Asks
			first on a terminal; --yes skips the question (needed in scripts). --wait
			watches until the Backup is gone.`),
		Example: cmdutil.Examples(`
			# Delete a backup and wait until Velero removed it
			kubectl tko cluster backup delete shop-0412 --yes --wait`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Backups),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	o.Wait.AddFlags(cmd, "Wait until Velero has removed the backup")
	return cmd
}

// Validate checks -o, --wait and --timeout.
func (o *Options) Validate() error {
	if err := o.Deletion.Validate(); err != nil {
		return err
	}
	return o.Wait.Validate(o.DryRun)
}

// Run asks Velero to delete the backup.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		u, err := backup.Get(ctx, c.Dynamic, backup.Backups, o.VeleroNamespace, o.Name)
		if err != nil {
			return err
		}
		return o.Print(u, "deleted", true)
	}
	if err := o.Confirm(fmt.Sprintf("Delete backup %s and its data in the object store?", o.Name)); err != nil {
		return err
	}
	if _, err := backup.DeleteBackup(ctx, c.Dynamic, o.VeleroNamespace, o.Name, o.DryRun.Server()); err != nil {
		return err
	}
	ref := common.Ref("Backup", o.VeleroNamespace, o.Name)
	if err := cli.PrintAction(o.Streams.Out, ref, "deletion requested", o.DryRun.Server()); err != nil {
		return err
	}
	if !o.Wait.Wait || o.DryRun.Any() {
		return nil
	}
	_, err = wait.For(ctx, wait.Spec{Client: c.Dynamic.Resource(backup.Backups).Namespace(o.VeleroNamespace), Namespace: o.VeleroNamespace, Name: o.Name,
		What: "backup " + o.Name + " to be deleted", Timeout: o.Wait.Timeout, Check: wait.Deleted})
	if err == nil {
		return cli.PrintAction(o.Streams.Out, ref, "deleted", false)
	}
	return err
}
