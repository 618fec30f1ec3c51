// Package pools implements `kubectl tko lb pools`.
package pools

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb pools`.
type Options struct {
	common.ScanOptions
}

// NewCmd returns the pools command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{ScanOptions: common.NewScanOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "pools [--all-workload-clusters]",
		Short: "VIP pool usage: NSX ALB data networks and kube-vip ranges, size, used, free",
		Long: cmdutil.LongDesc(`
			Show every VIP pool that hands out LoadBalancer addresses: the data network
			(ipPools, or the whole CIDR) of each AKODeploymentConfig on a management
			cluster, and each cidr-*/range-* key of kube-vip's ConfigMap
			kube-system/kubevip. For each: its size, how many addresses Services hold
			(and which Services with -o wide or -o json), what is free and the share
			used. A pool at 80 % or more is flagged on stderr, and so is a cidr-global
			that hides a namespace's range-<ns> (kube-vip consults every cidr key
			before any range key).`),
		Example: cmdutil.Examples(`
			# The pools of this cluster
			kubectl tko lb pools

			# Every workload cluster's kube-vip pools, with the Services using them
			kubectl tko lb pools --all-workload-clusters -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Complete reads every namespace: a pool serves Services anywhere.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error {
	o.Namespaces.AllNamespaces = true
	return nil
}

// Row is one pool in machine output.
type Row struct {
	Cluster string `json:"cluster,omitempty"`
	*lb.Pool
	Free  int64  `json:"free"`
	Error string `json:"error,omitempty"`
}

// Run reads and prints.
func (o *Options) Run(ctx context.Context) error {
	report, err := o.Scan(ctx)
	if err != nil {
		return err
	}
	var rows []Row
	for _, r := range report.Results {
		s := r.Value
		if s.Err != nil {
			rows = append(rows, Row{Cluster: s.Target, Pool: &lb.Pool{}, Error: s.Error})
			continue
		}
		for _, p := range s.Pools {
			rows = append(rows, Row{Cluster: s.Target, Pool: p, Free: max(p.Size-int64(len(p.Used)), 0)})
			if p.Percent >= lb.Warn {
				fmt.Fprintf(o.Streams.ErrOut, "warning: %s%s is %d%% used (%d of %d)\n", where(s.Target), p.Source, p.Percent, len(p.Used), p.Size)
			}
		}
		for _, key := range lb.ShadowedRanges(s.Cluster.KubeVIP) {
			fmt.Fprintf(o.Streams.ErrOut, "warning: %skubevip cidr-global shadows %s: kube-vip consults every cidr key before any range key\n", where(s.Target), key)
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintData(o.Streams.Out, rows); err != nil {
			return err
		}
	} else if err := o.print(rows, report.IsFleet()); err != nil {
		return err
	}
	return report.Exit()
}

func where(target string) string {
	if target == "" {
		return ""
	}
	return target + ": "
}

func (o *Options) print(rows []Row, fleetView bool) error {
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER", Hidden: !fleetView}, {Header: "POOL"}, {Header: "SCOPE"}, {Header: "RANGES"},
		{Header: "SIZE"}, {Header: "USED"}, {Header: "FREE"}, {Header: "USE%"}, {Header: "SERVICES", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, r := range rows {
		if r.Error != "" {
			w.Write([]string{r.Cluster, "Error: " + r.Error})
			continue
		}
		services := common.Joined(r.Used)
		if services == "" {
			services = "-"
		}
		w.Write([]string{r.Cluster, r.Source, r.Scope, r.Text, strconv.FormatInt(r.Size, 10), strconv.Itoa(len(r.Used)),
			strconv.FormatInt(r.Free, 10), strconv.Itoa(r.Percent) + "%", services})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No VIP pools found: no AKODeploymentConfig here and no kube-system/kubevip ConfigMap.")
	}
	return nil
}
