// Package query implements `kubectl tko observe query`.
package query

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe/promapi"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Plotted series at most; the rest are listed under the plot.
const maxPlotted = 6

// Options holds the flags and state of `observe query`.
type Options struct {
	common.APIOptions
	Query     string
	Time      string
	Range     time.Duration
	Step      time.Duration
	MaxPoints int
	MaxSeries int

	at time.Time
}

// NewCmd returns the query command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewPrometheus()), MaxPoints: 1000, MaxSeries: 50}
	cmd := &cobra.Command{
		Use:   "query PROMQL [--time T] [--range 1h [--step 1m]]",
		Short: "Run a PromQL query: an instant vector as a table, a range as a terminal plot",
		Long: cmdutil.LongDesc(`
			Run a PromQL query against the cluster's Prometheus (TKG's Prometheus
			package, reached through the API server's service proxy with your
			credentials: RBAC get services/proxy in tanzu-system-monitoring), or any
			Prometheus with --prometheus-url.

			An instant query prints one row per series. With --range, a range query
			is plotted on a terminal and printed as SERIES, TIME, VALUE rows when
			piped. At most --max-series series are shown (a note says how many were
			left out); a range with more points per series than --max-points is
			refused before anything is asked.`),
		Example: cmdutil.Examples(`
			# API server requests per second, by verb
			kubectl tko observe query 'sum by (verb) (rate(apiserver_request_total[5m]))'

			# The last hour, one point a minute, plotted
			kubectl tko observe query 'sum(rate(apiserver_request_total[5m]))' --range 1h --step 1m

			# Through a port-forward, as JSON
			kubectl tko observe query up --prometheus-url http://localhost:9090 -o json`),
		Args: cmdutil.ExactArgs("PROMQL"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().StringVar(&o.Time, "time", "", "Evaluate at this time: RFC 3339, a Unix timestamp, or a duration ago (5m); default now. With --range, the end of the range.")
	cmd.Flags().DurationVar(&o.Range, "range", 0, "Run a range query over this long, ending at --time (e.g. 1h).")
	cmd.Flags().DurationVar(&o.Step, "step", 0, "Resolution of a range query; default: the range in 60 steps (at least 1s).")
	cmd.Flags().IntVar(&o.MaxPoints, "max-points", o.MaxPoints, "Refuse a range query with more points per series than this.")
	cmd.Flags().IntVar(&o.MaxSeries, "max-series", o.MaxSeries, "Show at most this many series (0 for all).")
	o.AddFlags(cmd)
	return cmd
}

// Complete takes the query.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Query = strings.TrimSpace(args[0])
	return o.APIOptions.Complete(f, cmd, args)
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.Query == "" {
		return cmdutil.FlagErrorf("the query is empty")
	}
	at, err := ParseTime(o.Time, time.Now())
	if err != nil {
		return cmdutil.FlagErrorf("--time: %v", err)
	}
	o.at = at
	switch {
	case o.Range < 0 || o.Step < 0:
		return cmdutil.FlagErrorf("--range and --step must be positive")
	case o.Step > 0 && o.Range == 0:
		return cmdutil.FlagErrorf("--step needs --range")
	case o.MaxPoints < 2:
		return cmdutil.FlagErrorf("--max-points must be at least 2")
	case o.MaxSeries < 0:
		return cmdutil.FlagErrorf("--max-series cannot be negative")
	}
	if o.Range > 0 {
		if o.Step == 0 {
			o.Step = max(observe.StepFor(o.Range, 61), time.Second)
		}
		if n := observe.Points(o.at.Add(-o.Range), o.at, o.Step); n > o.MaxPoints {
			return cmdutil.Usagef("--range %s at --step %s is %d points per series, more than --max-points %d: use --step %s or raise --max-points",
				o.Range, o.Step, n, o.MaxPoints, observe.StepFor(o.Range, o.MaxPoints))
		}
	}
	return o.APIOptions.Validate()
}

// ParseTime reads RFC 3339, a Unix timestamp or a duration ago.
func ParseTime(s string, now time.Time) (time.Time, error) {
	if s == "" || s == "now" {
		return now, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return time.Unix(0, int64(f*float64(time.Second))), nil
	}
	if d, err := time.ParseDuration(strings.TrimPrefix(s, "-")); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not a time: use RFC 3339 (2024-05-01T10:00:00Z), a Unix timestamp or a duration ago (5m)", s)
}

// Run queries and prints.
func (o *Options) Run(ctx context.Context) error {
	p, err := o.API.Prometheus(o.Factory)
	if err != nil {
		return err
	}
	var res *observe.Result
	if o.Range > 0 {
		res, err = p.QueryRange(ctx, o.Query, promapi.Range{Start: o.at.Add(-o.Range), End: o.at, Step: o.Step}, o.MaxSeries)
	} else {
		res, err = p.Query(ctx, o.Query, o.at, o.MaxSeries)
	}
	if err != nil {
		return o.API.Word(err)
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(o.Streams.ErrOut, "Warning: %s\n", w)
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, res)
	}
	if err := o.print(res); err != nil {
		return err
	}
	if res.Dropped > 0 {
		fmt.Fprintf(o.Streams.ErrOut, "%d of %d series shown: narrow the query (by labels, topk) or raise --max-series\n", len(res.Series), res.Total)
	}
	if res.Total == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No series.")
	}
	return nil
}

func (o *Options) print(res *observe.Result) error {
	if res.Type == "matrix" && cmdutil.IsTerminal(o.Streams.Out) && len(res.Series) > 0 {
		return o.plot(res)
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "SERIES"}, {Header: "TIME", Wide: res.Type != "matrix"}, {Header: "VALUE"}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, s := range res.Series {
		for _, p := range s.Points {
			w.Write([]string{cmdutil.OrDash(s.Key()), p.Time.UTC().Format(time.RFC3339), FormatValue(p.Value)})
		}
	}
	return w.Flush()
}

// plot draws up to maxPlotted series with asciigraph, one legend line each.
func (o *Options) plot(res *observe.Result) error {
	series := res.Series
	if len(series) > maxPlotted {
		series = series[:maxPlotted]
	}
	data := make([][]float64, len(series))
	legends := make([]string, len(series))
	colors := []asciigraph.AnsiColor{asciigraph.Blue, asciigraph.Red, asciigraph.Green, asciigraph.Yellow, asciigraph.Magenta, asciigraph.Cyan}
	for i, s := range series {
		for _, p := range s.Points {
			data[i] = append(data[i], p.Value)
		}
		legends[i] = s.Key()
	}
	first, last := series[0].Points[0].Time, series[0].Points[len(series[0].Points)-1].Time
	graph := asciigraph.PlotMany(data, asciigraph.Height(12), asciigraph.Width(72), asciigraph.SeriesColors(colors[:len(series)]...),
		asciigraph.SeriesLegends(legends...), asciigraph.Caption(fmt.Sprintf("%s .. %s, step %s", first.UTC().Format(time.RFC3339), last.UTC().Format(time.RFC3339), o.Step)))
	fmt.Fprintln(o.Streams.Out, graph)
	if len(res.Series) > maxPlotted {
		fmt.Fprintf(o.Streams.ErrOut, "%d series plotted; pipe the output or use -o json for all %d\n", maxPlotted, len(res.Series))
	}
	return nil
}

// FormatValue prints a sample value the way Prometheus does.
func FormatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
