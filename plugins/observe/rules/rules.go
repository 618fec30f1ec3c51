// Package rules implements `kubectl tko observe rules`.
package rules

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/rules/recommend"
)

// Options holds the flags and state of `observe rules`.
type Options struct {
	common.APIOptions
	Firing bool
}

// NewCmd returns the rules command and its recommend verb.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewPrometheus())}
	cmd := &cobra.Command{
		Use:   "rules [--firing]",
		Short: "Prometheus's rule groups: each rule's health, state and active alerts",
		Long: cmdutil.LongDesc(`
			List the recording and alerting rules Prometheus evaluates, with their
			health (a rule whose last evaluation failed is "err", with the error) and,
			for alerting rules, their state. Exit code 1 when any rule is unhealthy.
			TKG's Prometheus package ships no alerting rules: 'rules recommend' prints
			TKO's recommended set.`),
		Example: cmdutil.Examples(`
			# Every rule
			kubectl tko observe rules

			# The alerting rules that fire
			kubectl tko observe rules --firing`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Firing, "firing", false, "Only alerting rules that are firing or pending.")
	o.AddFlags(cmd)
	cmd.AddCommand(recommend.NewCmd(f, streams))
	return cmd
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	p, err := o.API.Prometheus(o.Factory)
	if err != nil {
		return err
	}
	all, err := p.Rules(ctx)
	if err != nil {
		return o.API.Word(err)
	}
	rules := make([]observe.Rule, 0, len(all))
	unhealthy := 0
	for _, r := range all {
		if r.Health == "err" {
			unhealthy++
		}
		if !o.Firing || r.State == "firing" || r.State == "pending" {
			rules = append(rules, r)
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, rules); err != nil {
			return err
		}
	} else {
		t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "GROUP"}, {Header: "RULE"}, {Header: "TYPE"}, {Header: "HEALTH"}, {Header: "STATE"}, {Header: "ALERTS"},
			{Header: "SEVERITY", Wide: true}, {Header: "ERROR"}, {Header: "QUERY", Wide: true}}}
		w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
		for _, r := range rules {
			alerts := "-"
			if r.Type == "alerting" {
				alerts = fmt.Sprint(r.Alerts)
			}
			w.Write([]string{r.Group, r.Name, r.Type, r.Health, cmdutil.OrDash(r.State), alerts, cmdutil.OrDash(r.Severity), cmdutil.OrDash(r.LastError), r.Query})
		}
		if err := common.Finish(w, o.Streams.ErrOut, o.Output.NoHeaders, "No rules."); err != nil {
			return err
		}
	}
	if unhealthy > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "%d rule(s) failed their last evaluation\n", unhealthy)
		return explain.Failure()
	}
	return nil
}
