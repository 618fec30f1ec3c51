// Package services implements `kubectl tko lb services`.
package services

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb services`.
type Options struct {
	common.ScanOptions
	Pending bool
}

// NewCmd returns the services command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{ScanOptions: common.NewScanOptions(f, streams)}
	cmd := &cobra.Command{
		Use:     "services [-A] [--all-workload-clusters]",
		Aliases: []string{"svc"},
		Short:   "Services of type LoadBalancer: who serves them, their address, and why a pending one waits",
		Long: cmdutil.LongDesc(`
			List every Service of type LoadBalancer with the implementation that serves
			it (AKO for NSX Advanced Load Balancer, kube-vip, or another controller), the
			address it asked for (spec.loadBalancerIP, ako.vmware.com/load-balancer-ip,
			kube-vip.io/loadbalancerIPs), the address it got, and for a pending one the
			likeliest cause. A controller's own words come first: the Events on the
			Service itself, from any reporter (AKO writes them there since 1.6.1),
			newest first; then AKO's Warning Events on its pod ako-0 in avi-system,
			AKO's own state and the VIP pools, correlated with each Service. With -o
			wide, EVENT is the newest Event on a pending Service: its reason and
			message.

			With --all-workload-clusters (or --cluster a,b, --cluster-selector), every
			workload cluster of the management cluster is read through its kubeconfig
			Secret; an unreachable one is a row of its own (exit 1 only with --strict).`),
		Example: cmdutil.Examples(`
			# Every LoadBalancer Service of this cluster
			kubectl tko lb services -A

			# Only the pending ones, across the fleet, with the cause
			kubectl tko lb services -A --all-workload-clusters --pending -o wide

			# As JSON, for scripts
			kubectl tko lb services -A -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.Pending, "pending", false, "Only Services still waiting for an address.")
	return cmd
}

// Complete has nothing to resolve: the scope is read in Run.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Row is one Service in machine output.
type Row struct {
	Cluster string `json:"cluster,omitempty"`
	lb.Service
	Error string `json:"error,omitempty"` // the cluster could not be read
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
			rows = append(rows, Row{Cluster: s.Target, Error: s.Error})
			continue
		}
		for _, svc := range s.Cluster.Services {
			if o.Pending && !svc.Pending() {
				continue
			}
			rows = append(rows, Row{Cluster: s.Target, Service: svc})
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

func (o *Options) print(rows []Row, fleetView bool) error {
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER", Hidden: !fleetView}, {Header: "NAMESPACE"}, {Header: "NAME"}, {Header: "IMPLEMENTATION"},
		{Header: "REQUESTED"}, {Header: "ADDRESS"}, {Header: "AGE"}, {Header: "CLASS", Wide: true}, {Header: "EVENT", Wide: true}, {Header: "CAUSE", Wide: true}, {Header: "FIX", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	now := time.Now()
	for _, r := range rows {
		if r.Error != "" {
			w.Write([]string{r.Cluster, "", "", "Error: " + r.Error})
			continue
		}
		address, event := common.Joined(r.Ingress), ""
		if e, ok := r.LastEvent(); ok {
			event = e.Text()
		}
		if address == "" {
			address = "<pending>"
			if !o.Output.Wide() && r.Cause != "" {
				// The CAUSE column is wide only; keep the reason in sight.
				address += " " + r.Cause
			}
		}
		w.Write([]string{r.Cluster, r.Namespace, r.Name, r.Implementation, cmdutil.OrDash(common.Joined(r.Requested)), address,
			duration.HumanDuration(now.Sub(r.Created)), cmdutil.OrDash(r.Class), cmdutil.OrDash(event), cmdutil.OrDash(r.Cause), cmdutil.OrDash(r.Fix)})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No Services of type LoadBalancer found.")
	}
	return nil
}
