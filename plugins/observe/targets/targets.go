// Package targets implements `kubectl tko observe targets`.
package targets

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe targets`.
type Options struct {
	common.APIOptions
	Down bool
}

// NewCmd returns the targets command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewPrometheus())}
	cmd := &cobra.Command{
		Use:   "targets [--down]",
		Short: "Prometheus's scrape targets, up or down, with the last scrape's error",
		Example: cmdutil.Examples(`
			# Every target
			kubectl tko observe targets

			# Only those down, with their error (exit 1 when any)
			kubectl tko observe targets --down -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Down, "down", false, "Only targets that are not up; exit 1 when there are any.")
	o.AddFlags(cmd)
	return cmd
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	p, err := o.API.Prometheus(o.Factory)
	if err != nil {
		return err
	}
	all, err := p.Targets(ctx)
	if err != nil {
		return o.API.Word(err)
	}
	targets := make([]observe.Target, 0, len(all))
	for _, t := range all {
		if !o.Down || t.Health != "up" {
			targets = append(targets, t)
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, targets); err != nil {
			return err
		}
	} else if err := o.print(targets); err != nil {
		return err
	}
	if o.Down && len(targets) > 0 {
		return explain.Failure()
	}
	return nil
}

func (o *Options) print(targets []observe.Target) error {
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "POOL"}, {Header: "URL"}, {Header: "HEALTH"}, {Header: "LAST SCRAPE"}, {Header: "DURATION", Wide: true}, {Header: "ERROR"}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, tg := range targets {
		last := "never"
		if !tg.LastScrape.IsZero() {
			last = duration.HumanDuration(time.Since(tg.LastScrape)) + " ago"
		}
		w.Write([]string{tg.Pool, tg.URL, tg.Health, last, fmt.Sprintf("%.3fs", tg.Duration), cmdutil.OrDash(tg.LastError)})
	}
	return common.Finish(w, o.Streams.ErrOut, o.Output.NoHeaders, "No targets.")
}
