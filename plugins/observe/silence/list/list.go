// Package list implements `kubectl tko observe silence list`.
package list

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe silence list`.
type Options struct {
	Factory      *cli.Factory
	Streams      genericiooptions.IOStreams
	Output       *cli.OutputFlags
	Alertmanager *common.API
	cmd          *cobra.Command
	Expired      bool
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Alertmanager: common.NewAlertmanager()}
	cmd := &cobra.Command{
		Use:   "list [--expired]",
		Short: "Active and pending silences, the soonest to end first",
		Example: cli.Examples(`
			# The silences in force
			kubectl tko observe silence list

			# With the expired ones, as YAML
			kubectl tko observe silence list --expired -o yaml`),
		Args: cli.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Expired, "expired", false, "Include expired silences.")
	o.Alertmanager.AddFlags(cmd)
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete keeps the command for flag checks.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, _ []string) error {
	o.cmd = cmd
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if err := o.Alertmanager.Validate(o.cmd); err != nil {
		return err
	}
	return o.Output.Validate()
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	am, err := o.Alertmanager.Alertmanager(o.Factory)
	if err != nil {
		return err
	}
	silences, err := am.Silences(ctx, o.Expired)
	if err != nil {
		return o.Alertmanager.Word(err)
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, silences)
	}
	t := &cli.Table{Columns: []cli.Column{{Header: "ID"}, {Header: "STATE"}, {Header: "MATCHERS"}, {Header: "ENDS"}, {Header: "CREATED BY"}, {Header: "COMMENT", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, s := range silences {
		ends := "in " + duration.HumanDuration(time.Until(s.EndsAt))
		if s.EndsAt.Before(time.Now()) {
			ends = duration.HumanDuration(time.Since(s.EndsAt)) + " ago"
		}
		w.Write([]string{s.ID, s.State, s.MatcherText(), ends, cli.OrDash(s.CreatedBy), cli.OrDash(s.Comment)})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No silences.")
	}
	return nil
}
