// Package create implements `kubectl tko cluster restore create`.
package create

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `restore create`.
type Options struct {
	common.Change
	Restore backup.RestoreOptions
	Wait    common.Wait

	obj *unstructured.Unstructured
}

// NewCmd returns the create command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Change: common.NewChange(f, streams)}
	cmd := &cobra.Command{
		Use:   "create [NAME] --from-backup BACKUP [--namespace-mappings OLD:NEW,...] [--wait]",
		Short: "Restore a Completed Velero backup, optionally into other namespaces",
		Long: cmdutil.LongDesc(`
			Create a Velero Restore of a backup (NAME defaults to BACKUP-<timestamp>).
			The backup must be Completed: otherwise nothing is created (exit 2).
			--include-namespaces restores some of its namespaces only;
			--namespace-mappings restores a namespace under another name (each old
			namespace once, no two onto the same new one). Existing objects are left
			as they are, as Velero does. --wait watches the restore until Velero ends
			it: Completed exits 0, PartiallyFailed and Failed exit 1 with Velero's
			reasons; when --timeout runs out the command exits 4 and the restore goes on.`),
		Example: cmdutil.Examples(`
			# Restore a namespace beside the original, and wait
			kubectl tko cluster restore create --from-backup shop-0412 --namespace-mappings shop:shop-restored --wait

			# Show the Restore without creating it
			kubectl tko cluster restore create --from-backup shop-0412 --dry-run -o yaml`),
		Args: cobraMaxOne,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Restore.Backup, "from-backup", "", "The backup to restore.")
	cmd.Flags().StringSliceVar(&o.Restore.IncludeNamespaces, "include-namespaces", nil, "Restore these namespaces of the backup only.")
	cmd.Flags().StringSliceVar(&o.Restore.Mappings, "namespace-mappings", nil, "Restore namespaces under other names: OLD:NEW,...")
	common.CompleteFlag(cmd, f, "from-backup", backup.Backups)
	o.Wait.AddFlags(cmd, "restore")
	return cmd
}

func cobraMaxOne(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return cmdutil.FlagErrorf("unexpected arguments %q: %s takes at most NAME", args[1:], cmd.Name())
	}
	return nil
}

// Complete takes the name, or makes one from the backup's.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	if err := o.Change.Complete(f, cmd, args); err != nil {
		return err
	}
	if o.Name == "" && o.Restore.Backup != "" {
		o.Name = backup.GeneratedName(o.Restore.Backup, time.Now())
	}
	return nil
}

// Validate checks every flag, the mappings too, before any connection.
func (o *Options) Validate() error {
	if err := o.Change.Validate(); err != nil {
		return err
	}
	if err := o.Wait.Validate(o.DryRun); err != nil {
		return err
	}
	if o.Restore.Backup == "" {
		return cmdutil.FlagErrorf("missing --from-backup BACKUP")
	}
	var err error
	if o.obj, err = backup.NewRestore(o.VeleroNamespace, o.Name, o.Restore); err != nil {
		return cmdutil.Usagef("--namespace-mappings: %v", err)
	}
	return nil
}

// Run checks the backup, creates the restore and waits.
func (o *Options) Run(ctx context.Context) error {
	if o.DryRun.Client() {
		return o.Print(o.obj, "created", true)
	}
	c, err := o.Connect()
	if err != nil {
		return err
	}
	created, err := backup.CreateRestore(ctx, c.Dynamic, o.obj, o.DryRun.Server())
	if err != nil {
		return err
	}
	if err := o.Print(created, "created", o.DryRun.Server()); err != nil {
		return err
	}
	if !o.Wait.Wait || o.DryRun.Any() {
		return nil
	}
	outcome, err := o.Wait.For(ctx, c, created, o.Streams.ErrOut, "kubectl tko cluster restore get "+o.Name+" --wait")
	if err == nil {
		fmt.Fprintln(o.Streams.ErrOut, outcome.Summary())
	}
	return err
}
