// Package logs implements `kubectl tko cluster backup logs` (and restore logs).
package logs

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/backup/common"
)

// Options holds the flags and state of `backup logs`.
type Options struct {
	Factory         *cli.Factory
	Streams         genericiooptions.IOStreams
	VeleroNamespace string
	Kind            string // Backup or Restore
	Timeout         time.Duration
	Fleet           *cli.FleetFlags
	name            string
	sel             fleet.Selection
}

// NewCmd returns the logs command of backups (kind Backup) or restores.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams, kind string) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, VeleroNamespace: backup.DefaultNamespace, Kind: kind, Timeout: time.Minute, Fleet: cli.NewFleetFlags()}
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
			carries a signature.

			With --cluster a,b (or --all-workload-clusters, --cluster-selector,
			--all-contexts) each cluster's log follows a "==> CLUSTER <==" line, as
			tail prints several files; a cluster without the ` + noun + ` says so there.`),
		Example: cmdutil.Examples(`
			# Why did it partially fail?
			kubectl tko cluster ` + map[string]string{"Backup": "backup", "Restore": "restore"}[kind] + ` logs NAME | grep -i error

			# The same ` + noun + ` on a workload cluster
			kubectl tko cluster ` + map[string]string{"Backup": "backup", "Restore": "restore"}[kind] + ` logs NAME --cluster wc-prod-1`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f, gvr),
		RunE:              cli.RunE(f, o),
	}
	common.AddNamespaceFlag(cmd, &o.VeleroNamespace)
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for Velero to sign the download URL (exit 4).")
	common.AddFleetFlags(cmd, o.Fleet, "Print the "+noun+"'s log")
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
	var err error
	if o.sel, err = o.Fleet.Selection(o.Factory); err != nil {
		return err
	}
	if o.sel.Timeout < o.Timeout {
		// A target is bounded by --timeout, not by the fleet's default.
		o.sel.Timeout = o.Timeout + time.Minute
	}
	return nil
}

// Run fetches and prints the log: straight through on the current cluster,
// one after the other, each headed by its cluster, on a fleet.
func (o *Options) Run(ctx context.Context) error {
	results, notes, err := cli.FleetRun(ctx, o.Factory, o.sel, common.Requirements, func(ctx context.Context, t cli.Target) (string, error) {
		if t.Name == "" {
			return "", backup.Logs(ctx, t.Clients.Dynamic, o.Kind, o.VeleroNamespace, o.name, o.Timeout, o.Streams.Out)
		}
		var log strings.Builder
		err := backup.Logs(ctx, t.Clients.Dynamic, o.Kind, o.VeleroNamespace, o.name, o.Timeout, &log)
		return log.String(), err
	})
	if err != nil || !common.Fleet(o.sel) {
		return err
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	for _, n := range notes {
		fmt.Fprintln(o.Streams.ErrOut, n)
	}
	var tally common.Tally
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(o.Streams.Out)
		}
		fmt.Fprintf(o.Streams.Out, "==> %s <==\n", r.Target)
		if r.Err != nil {
			fmt.Fprintf(o.Streams.Out, "error: %s\n", tally.Problem(r.Err))
			continue
		}
		fmt.Fprint(o.Streams.Out, r.Value)
	}
	return tally.Err(len(results), strings.ToLower(o.Kind), o.name, o.VeleroNamespace, o.sel)
}
