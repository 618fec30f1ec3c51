// Package alerts implements `kubectl tko observe alerts`.
package alerts

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe alerts`.
type Options struct {
	common.APIOptions
	Silenced bool
	Severity []string
}

// NewCmd returns the alerts command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewAlertmanager())}
	cmd := &cobra.Command{
		Use:   "alerts [--silenced] [--severity S]",
		Short: "Active alerts from Alertmanager, the worst severity first, with their labels and since when",
		Long: cmdutil.LongDesc(`
			List the alerts Alertmanager holds (API v2), grouped by severity (critical,
			warning, info, none) and oldest first within a severity. Silenced alerts are
			left out unless --silenced is given; their silence is named.`),
		Example: cmdutil.Examples(`
			# What is firing
			kubectl tko observe alerts

			# Critical ones, with the silenced ones, as JSON
			kubectl tko observe alerts --severity critical --silenced -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.Silenced, "silenced", false, "Include silenced alerts.")
	cmd.Flags().StringSliceVar(&o.Severity, "severity", nil, "Only these severities (comma-separated: critical, warning, info, none).")
	cmdutil.CompleteValues(cmd, "severity", "critical", "warning", "info", "none")
	o.AddFlags(cmd)
	return cmd
}

// Group is the alerts of one severity.
type Group struct {
	Severity string          `json:"severity"`
	Alerts   []observe.Alert `json:"alerts"`
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	am, err := o.API.Alertmanager(o.Factory)
	if err != nil {
		return err
	}
	alerts, err := am.Alerts(ctx, o.Silenced)
	if err != nil {
		return o.API.Word(err)
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
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "SEVERITY"}, {Header: "ALERT"}, {Header: "STATE"}, {Header: "SINCE"}, {Header: "LABELS"}, {Header: "SUMMARY", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, g := range groups {
		for _, a := range g.Alerts {
			state := a.State
			if len(a.SilencedBy) > 0 {
				state = "silenced by " + strings.Join(a.SilencedBy, ",")
			}
			w.Write([]string{g.Severity, a.Name, state, duration.HumanDuration(time.Since(a.StartsAt)), labelText(a.Labels), cmdutil.OrDash(a.Annotations["summary"])})
		}
	}
	return common.Finish(w, o.Streams.ErrOut, o.Output.NoHeaders, "No alerts.")
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
	return cmdutil.OrDash(strings.Join(parts, ","))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
