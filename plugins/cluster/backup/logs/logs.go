// Package logs implements `kubectl tko cluster backup logs` (and restore logs).
package logs

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup logs`.
type Options struct {
	Factory         *cli.Factory
	Streams         genericiooptions.IOStreams
	VeleroNamespace string
	Kind            string // Backup or Restore
	Timeout         time.Duration
	name            string
}

// NewCmd returns the logs command of backups (kind Backup) or restores.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams, kind string) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, VeleroNamespace: backup.DefaultNamespace, Kind: kind, Timeout: time.Minute}
	noun, gvr := "backup", backup.Backups
	if kind == "Restore" {
		noun, gvr = "restore", backup.Restores
	}
	cmd := &cobra.Command{
		Use:   "logs NAME",
		Short: "Print Velero's log of a " + noun + ", from the object store",
		Long: cmdutil.LongDesc(`
			Print the log Velero wrote for a ` + noun + `: Velero keeps it in the object
			store when the ` + noun + ` ends, and signs a download URL for it when asked
			(a DownloadRequest). The URL points to the location's s3Url, or to its
			publicUrl when set: when this machine cannot reach it, the error says so
			(set publicUrl to an address it can reach). The URL is never printed: it
			carries a signature.`),
		Example: cmdutil.Examples(`
			# Why did it partially fail?
			kubectl tko cluster ` + map[string]string{"Backup": "backup", "Restore": "restore"}[kind] + ` logs NAME | grep -i error`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, gvr),
		RunE:              cli.RunE(f, o),
	}
	common.AddNamespaceFlag(cmd, &o.VeleroNamespace)
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for Velero to sign the download URL (exit 4).")
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.name = args[0]
	return nil
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if o.Timeout <= 0 {
		return cmdutil.FlagErrorf("--timeout must be positive")
	}
	return nil
}

// Run fetches and prints the log.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect(common.Requirements...)
	if err != nil {
		return err
	}
	return backup.Logs(ctx, c.Dynamic, o.Kind, o.VeleroNamespace, o.name, o.Timeout, o.Streams.Out)
}
