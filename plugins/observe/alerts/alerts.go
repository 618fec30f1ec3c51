// Package alerts implements `kubectl tko observe alerts`.
package alerts

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe alerts`.
type Options struct {
	Factory      *cli.Factory
	Streams      genericiooptions.IOStreams
	Output       *cli.OutputFlags
	Alertmanager *common.API
	cmd          *cobra.Command

	Silenced bool
	Severity []string
}

// NewCmd returns the alerts command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Alertmanager: common.NewAlertmanager()}
	cmd := &cobra.Command{
		Use:   "alerts [--silenced] [--severity S]",
		Short: "Active alerts from Alertmanager, the worst severity first, with their labels and since when",
		Long: cli.LongDesc(`
			List the alerts Alertmanager holds (API v2), grouped by severity (critical,
			warning, info, none) and oldest first within a severity. Silenced alerts are
			left out unless --silenced is given; their silence is named.`),
		Example: cli.Examples(`
			# What is firing
			kubectl tko observe alerts

			# Critical ones, with the silenced ones, as JSON
			kubectl tko observe alerts --severity critical --silenced -o json`),
		Args: cli.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Silenced, "silenced", false, "Include silenced alerts.")
	cmd.Flags().StringSliceVar(&o.Severity, "severity", nil, "Only these severities (comma-separated: critical, warning, info, none).")
	_ = cmd.RegisterFlagCompletionFunc("severity", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"critical", "warning", "info", "none"}, cobra.ShellCompDirectiveNoFileComp
	})
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

// Group is the alerts of one severity.
type Group struct {
	Severity string          `json:"severity"`
	Alerts   []observe.Alert `json:"alerts"`
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	am, err := o.Alertmanager.Alertmanager(o.Factory)
	if err != nil {
		return err
	}
	alerts, err := am.Alerts(ctx, o.Silenced)
	if err != nil {
		return o.Alertmanager.Word(err)
	}
	var groups []Group
	for _, a := range alerts {
		sev := a.Severity
		if sev == "" {
			sev = "none"
		}
		if len(o.Severity) > 0 && !contains(o.Severity, sev) {
			continue
		}
		if len(groups) == 0 || groups[len(groups)-1].Severity != sev {
			groups = append(groups, Group{Severity: sev})
		}
		groups[len(groups)-1].Alerts = append(groups[len(groups)-1].Alerts, a)
	}
	if !o.Output.Human() {
		if groups == nil {
			groups = []Group{}
		}
		return o.Output.PrintData(o.Streams.Out, groups)
	}
	t := &cli.Table{Columns: []cli.Column{{Header: "SEVERITY"}, {Header: "ALERT"}, {Header: "STATE"}, {Header: "SINCE"}, {Header: "LABELS"}, {Header: "SUMMARY", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, g := range groups {
		for _, a := range g.Alerts {
			state := a.State
			if len(a.SilencedBy) > 0 {
				state = "silenced by " + strings.Join(a.SilencedBy, ",")
			}
			w.Write([]string{g.Severity, a.Name, state, duration.HumanDuration(time.Since(a.StartsAt)), labelText(a.Labels), cli.OrDash(a.Annotations["summary"])})
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No alerts.")
	}
	return nil
}

// labelText is the labels other than alertname and severity, sorted.
func labelText(labels map[string]string) string {
	var parts []string
	for k, v := range labels {
		if k != "alertname" && k != "severity" {
			parts = append(parts, k+"="+v)
		}
	}
	sort.Strings(parts)
	return cli.OrDash(strings.Join(parts, ","))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
