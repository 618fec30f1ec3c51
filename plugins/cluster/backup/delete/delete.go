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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup delete`.
type Options struct {
	common.Base
	DryRun  common.DryRun
	Yes     bool
	Wait    bool
	Timeout time.Duration
	name    string
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Base: common.NewBase(f, streams), Timeout: 5 * time.Minute}
	cmd := &cobra.Command{
		Use:   "delete NAME --yes",
		Short: "Delete a Velero backup and its data in the object store",
		Long: cli.LongDesc(`
			Delete a backup the way Velero does: through a DeleteBackupRequest, so its
			data in the object store goes with it (deleting the Backup object alone
			leaves the data, and Velero syncs the backup back from the store). Asks
			first on a terminal; --yes skips the question (needed in scripts). --wait
			watches until the Backup is gone.`),
		Example: cli.Examples(`
			# Delete a backup and wait until Velero removed it
			kubectl tko cluster backup delete shop-0412 --yes --wait`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, backup.Backups),
		RunE:              cli.RunE(f, o),
	}
	o.Base.AddFlags(cmd)
	common.AddDryRunFlag(cmd, &o.DryRun)
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until Velero has removed the backup.")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits (exit 4 when it runs out).")
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.name = args[0]
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Base.Validate(); err != nil {
		return err
	}
	return o.DryRun.Validate()
}

// Run asks Velero to delete the backup.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Connect()
	if err != nil {
		return err
	}
	if o.DryRun.Client() {
		u, err := backup.Get(ctx, c.Dynamic, backup.Backups, o.VeleroNamespace, o.name)
		if err != nil {
			return err
		}
		return o.Print(u, "deleted", true)
	}
	if !o.Yes && !o.DryRun.Any() {
		if err := cli.Confirm(o.Streams.In, o.Streams.ErrOut, "refusing to delete without --yes when not on a terminal",
			fmt.Sprintf("Delete backup %s and its data in the object store?", o.name)); err != nil {
			return err
		}
	}
	if _, err := backup.DeleteBackup(ctx, c.Dynamic, o.VeleroNamespace, o.name, o.DryRun.Server()); err != nil {
		return err
	}
	ref := common.Ref("Backup", o.VeleroNamespace, o.name)
	if err := cli.PrintAction(o.Streams.Out, ref, "deletion requested", o.DryRun.Server()); err != nil {
		return err
	}
	if !o.Wait || o.DryRun.Any() {
		return nil
	}
	_, err = wait.For(ctx, wait.Spec{Client: c.Dynamic.Resource(backup.Backups).Namespace(o.VeleroNamespace), Namespace: o.VeleroNamespace, Name: o.name,
		What: "backup " + o.name + " to be deleted", Timeout: o.Timeout, Check: wait.Deleted})
	if err == nil {
		return cli.PrintAction(o.Streams.Out, ref, "deleted", false)
	}
	return err
}
