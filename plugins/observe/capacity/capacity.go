// Package capacity implements `kubectl tko observe capacity`.
package capacity

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe capacity`.
type Options struct {
	common.Sections

	By  string
	Top int
}

// NewCmd returns the capacity command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Sections: common.NewSections(f, streams), By: "node", Top: 5}
	cmd := &cobra.Command{
		Use:   "capacity [-A] [--by node|namespace]",
		Short: "Requests and limits against allocatable, usage where metrics are served, the top consumers",
		Long: cmdutil.LongDesc(`
			Sum the CPU and memory requests and limits of the pods that are not done,
			by node (against each node's allocatable; pods no node runs in an
			<unscheduled> row) or by namespace, with usage from metrics.k8s.io where
			the cluster serves it (metrics-server), and the top consumers: by usage
			when known, else by CPU requests. Works without the metrics API.`),
		Example: cmdutil.Examples(`
			# Nodes, every namespace's pods
			kubectl tko observe capacity -A

			# By namespace across the workload clusters
			kubectl tko observe capacity -A --by namespace --all-workload-clusters`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmdutil.EnumVar(cmd, &o.By, "by", []string{"node", "namespace"}, "Rows by node or by namespace.")
	cmd.Flags().IntVar(&o.Top, "top", o.Top, "How many top consumers to list.")
	o.AddFlags(cmd)
	return cmd
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	if o.Top < 0 {
		return cmdutil.FlagErrorf("--top cannot be negative")
	}
	return o.Sections.Validate()
}

// Run reads every target and prints.
func (o *Options) Run(ctx context.Context) error {
	_, err := common.Report(ctx, &o.Sections, func(ctx context.Context, c *kube.Clients, ns string) (*observe.Capacity, error) {
		return observe.ReadCapacity(ctx, c, ns, o.By, o.Top)
	}, o.print)
	return err
}

func (o *Options) print(out io.Writer, c *observe.Capacity) error {
	head := "NODE"
	if c.By == "namespace" {
		head = "NAMESPACE"
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: head}, {Header: "PODS"}, {Header: "CPU REQ"}, {Header: "CPU LIM"}, {Header: "CPU ALLOC", Hidden: c.By != "node"},
		{Header: "CPU REQ%", Hidden: c.By != "node"}, {Header: "CPU USED", Hidden: !c.MetricsServed}, {Header: "MEM REQ"}, {Header: "MEM LIM"},
		{Header: "MEM ALLOC", Hidden: c.By != "node"}, {Header: "MEM REQ%", Hidden: c.By != "node"}, {Header: "MEM USED", Hidden: !c.MetricsServed}}}
	w := t.Writer(out, o.Output.Wide(), o.Output.NoHeaders)
	for _, row := range append(c.Rows, c.Total) {
		w.Write(Cells(row))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if !c.MetricsServed {
		fmt.Fprintln(o.Streams.ErrOut, "metrics.k8s.io is not served: requests and limits only (install metrics-server for usage)")
	}
	if len(c.Top) == 0 || o.Output.NoHeaders {
		return nil
	}
	fmt.Fprintln(out)
	tt := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "TOP PODS"}, {Header: "NODE"}, {Header: "CPU REQ"}, {Header: "MEM REQ"}, {Header: "CPU USED", Hidden: !c.MetricsServed}, {Header: "MEM USED", Hidden: !c.MetricsServed}}}
	tw := tt.Writer(out, o.Output.Wide(), false)
	for _, p := range c.Top {
		used := []string{"-", "-"}
		if p.Usage != nil {
			used = []string{observe.CPU(p.Usage.CPU), observe.Memory(p.Usage.Memory)}
		}
		node := p.Node
		if node == "" {
			node = observe.Unscheduled
		}
		tw.Write([]string{p.Namespace + "/" + p.Name, node, observe.CPU(p.Requests.CPU), observe.Memory(p.Requests.Memory), used[0], used[1]})
	}
	return tw.Flush()
}

// Cells renders one capacity row.
func Cells(r observe.CapacityRow) []string {
	alloc := []string{"-", "-", "-", "-"}
	if a := r.Allocatable; a != nil {
		alloc = []string{observe.CPU(a.CPU), observe.Percent(r.Requests.CPU, a.CPU), observe.Memory(a.Memory), observe.Percent(r.Requests.Memory, a.Memory)}
	}
	used := []string{"-", "-"}
	if u := r.Usage; u != nil {
		used = []string{observe.CPU(u.CPU), observe.Memory(u.Memory)}
	}
	return []string{r.Name, fmt.Sprint(r.Pods), observe.CPU(r.Requests.CPU), observe.CPU(r.Limits.CPU), alloc[0], alloc[1], used[0],
		observe.Memory(r.Requests.Memory), observe.Memory(r.Limits.Memory), alloc[2], alloc[3], used[1]}
}
