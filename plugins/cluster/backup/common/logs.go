package common

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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
)

// Logs is the shape of the logs verbs of backups and restores: Velero's
// log of one object, from the object store, on the current cluster or on
// each cluster of a fleet.
type Logs struct {
	Factory         *cli.Factory
	Streams         genericiooptions.IOStreams
	VeleroNamespace string
	Kind            string            // Backup or Restore
	Wait            cmdutil.WaitFlags // --timeout of the signed download URL
	Fleet           *cli.FleetFlags
	name            string
	sel             fleet.Selection
}

// NewLogs returns the options of the logs verb of kind (Backup or Restore).
func NewLogs(f *cli.Factory, streams genericiooptions.IOStreams, kind string) Logs {
	return Logs{Factory: f, Streams: streams, VeleroNamespace: backup.DefaultNamespace, Kind: kind,
		Wait: cmdutil.WaitFlags{Timeout: time.Minute}, Fleet: cli.NewFleetFlags()}
}

// Command completes help (Short, Long, Example) into the `logs NAME`
// command run by v, the verb whose Logs o is, with its flags.
func (o *Logs) Command(f *cli.Factory, v cli.Verb, help *cobra.Command) *cobra.Command {
	noun, gvr := "backup", backup.Backups
	if o.Kind == "Restore" {
		noun, gvr = "restore", backup.Restores
	}
	help.Use, help.Args, help.ValidArgsFunction, help.RunE = "logs NAME", cmdutil.ExactArgs("NAME"), CompleteNames(f, gvr), cli.RunE(f, v)
	AddNamespaceFlag(help, &o.VeleroNamespace)
	o.Wait.AddTimeoutFlag(help, "to wait for Velero to sign the download URL")
	AddFleetFlags(help, o.Fleet, "Print the "+noun+"'s log")
	return help
}

// Complete takes the name.
func (o *Logs) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.name = args[0]
	return nil
}

// Validate checks the flags.
func (o *Logs) Validate() error {
	if err := o.Wait.Validate(cmdutil.DryRunNone); err != nil {
		return err
	}
	var err error
	if o.sel, err = o.Fleet.Selection(o.Factory); err != nil {
		return err
	}
	Bound(&o.sel, o.Wait.Timeout)
	return nil
}

// Run fetches and prints the log: straight through on the current cluster,
// one after the other, each headed by its cluster, on a fleet.
func (o *Logs) Run(ctx context.Context) error {
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, Requirements, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (string, error) {
		if t.Name == "" {
			return "", backup.Logs(ctx, t.Clients.Dynamic, o.Kind, o.VeleroNamespace, o.name, o.Wait.Timeout, o.Streams.Out)
		}
		var log strings.Builder
		err := backup.Logs(ctx, t.Clients.Dynamic, o.Kind, o.VeleroNamespace, o.name, o.Wait.Timeout, &log)
		return log.String(), err
	})
	if err != nil || !o.sel.Fleet() {
		return err
	}
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	report.Object = &errs.NotFoundError{Kind: strings.ToLower(o.Kind), Name: o.name, Namespace: o.VeleroNamespace}
	for i, r := range report.Results {
		if i > 0 {
			fmt.Fprintln(o.Streams.Out)
		}
		fmt.Fprintf(o.Streams.Out, "==> %s <==\n", r.Target)
		if r.Err != nil {
			fmt.Fprintf(o.Streams.Out, "error: %s\n", report.Message(i))
			continue
		}
		fmt.Fprint(o.Streams.Out, r.Value)
	}
	return report.Exit()
}
