// Package list implements `kubectl tko observe silence list`.
package list

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe silence list`.
type Options struct {
	common.APIOptions
	Expired bool
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewAlertmanager())}
	cmd := &cobra.Command{
		Use:   "list [--expired]",
		Short: "Active and pending silences, the soonest to end first",
		Example: cmdutil.Examples(`
			# The silences in force
			kubectl tko observe silence list

			# With the expired ones, as YAML
			kubectl tko observe silence list --expired -o yaml`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Expired, "expired", false, "Include expired silences.")
	o.AddFlags(cmd)
	return cmd
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	am, err := o.API.Alertmanager(o.Factory)
	if err != nil {
		return err
	}
	silences, err := am.Silences(ctx, o.Expired)
	if err != nil {
		return o.API.Word(err)
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, silences)
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "ID"}, {Header: "STATE"}, {Header: "MATCHERS"}, {Header: "ENDS"}, {Header: "CREATED BY"}, {Header: "COMMENT", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, s := range silences {
		ends := "in " + duration.HumanDuration(time.Until(s.EndsAt))
		if s.EndsAt.Before(time.Now()) {
			ends = duration.HumanDuration(time.Since(s.EndsAt)) + " ago"
		}
		w.Write([]string{s.ID, s.State, s.MatcherText(), ends, cmdutil.OrDash(s.CreatedBy), cmdutil.OrDash(s.Comment)})
	}
	return common.Finish(w, o.Streams.ErrOut, o.Output.NoHeaders, "No silences.")
}
