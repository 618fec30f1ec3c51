// Package certs implements `kubectl tko cluster inspect certs`.
package certs

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	tkocerts "github.com/vmware-tanzu-labs/kubectl-tko/internal/certs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster inspect certs`.
type Options struct {
	cli.FleetOptions

	Names             []string
	AllNamespaces     bool
	IncludeManagement bool
	Within            string
	Rotate            string
	common.Waiting

	within        time.Duration
	namespaceFlag bool
	now           func() time.Time
}

// NewOptions returns the options with their defaults, for the command
// and for `cluster inspect`, which runs the inspection itself.
func NewOptions(f *cli.Factory, streams genericiooptions.IOStreams) *Options {
	o := &Options{FleetOptions: cli.NewFleetOptions(f, streams), Within: "30d", now: time.Now, Waiting: common.NewWaiting(rotateTimeout)}
	o.Fleet.SetTimeout(30 * time.Second)
	return o
}

// NewCmd returns the certs command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := NewOptions(f, streams)
	cmd := &cobra.Command{
		Use:   "certs [CLUSTER...] [--within 30d]",
		Short: "List the certificates of workload clusters and when each expires",
		Long: cmdutil.LongDesc(`
			List every certificate a workload cluster depends on, when it expires and
			what renews it, from the API alone (no SSH to the nodes):

			  - each control-plane Machine's kubeadm certificates
			    (status.certificatesExpiryDate) and whether the KubeadmControlPlane's
			    rolloutBefore.certificatesExpiryDays renews them in time;
			  - the cluster CAs (<cluster>-ca, -etcd, -proxy; -sa is a key pair with no
			    expiry) and the admin kubeconfig's client certificate;
			  - the API server's serving certificate, from a TLS handshake with its
			    endpoint, verified with the cluster CA;
			  - cert-manager Certificates in the cluster (notAfter, renewalTime, Ready);
			  - Pinniped's Concierge and Supervisor serving certificates and the Avi
			    controller CA that AKO trusts;
			  - TLS Secrets of Ingresses and HTTPProxies that no Certificate renews.

			Only certificates are parsed: no private key is ever read into the output.
			A Secret that cannot be read, or an endpoint that does not answer TLS, is a
			row saying what could not be checked and why.

			--rotate CLUSTER renews a cluster's control-plane certificates the Cluster API
			way: it sets rolloutAfter on the cluster's KubeadmControlPlane to now, and Cluster
			API replaces each control-plane machine with one whose certificates are new. It
			refuses a cluster that is not Available. Try it with --dry-run first; --wait
			waits for the rollout.

			Exit code 1 when anything expires within --within (default 30 days), has
			expired, is not a valid certificate or chain, or is a cert-manager
			Certificate that is not Ready; with --strict, also when something could
			not be checked.`),
		Example: cmdutil.Examples(`
			# The certificates of every workload cluster, expiring within 30 days failing
			kubectl tko cluster inspect certs -A

			# One cluster, with a 90-day window
			kubectl tko cluster inspect certs wc-prod-1 --within 90d

			# Every management cluster of the kubeconfig, as JSON (dates in RFC 3339)
			kubectl tko cluster inspect certs -A --all-contexts -o json

			# Renew the control-plane certificates of wc-prod-1: check, then roll and wait
			kubectl tko cluster inspect certs --rotate wc-prod-1 --dry-run
			kubectl tko cluster inspect certs --rotate wc-prod-1 --wait`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "Workload clusters to inspect (comma-separated); the same as naming them.")
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Inspect the clusters of every namespace (as --all-workload-clusters).")
	cmd.Flags().BoolVar(&o.IncludeManagement, "include-management-cluster", false, "Also inspect the management cluster's own certificates.")
	// --strict and --target-timeout say what they mean here.
	cmd.Flags().Lookup("strict").Usage = "Exit 1 also when a certificate could not be checked (a Secret forbidden, an endpoint not answering TLS) or a management cluster could not be reached."
	cmd.Flags().Lookup(cli.TargetTimeoutFlag).Usage = "Give up on one cluster after this long (its API server's TLS handshake after at most 10s)."
	cmd.Flags().StringVar(&o.Within, "within", o.Within, "Fail on certificates expiring within this window: days (30d) or a duration (720h).")
	cmd.Flags().StringVar(&o.Rotate, "rotate", "", "Renew the control-plane certificates of this cluster: roll its KubeadmControlPlane (rolloutAfter=now).")
	_ = cmd.RegisterFlagCompletionFunc("rotate", func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return cli.CompleteClusterNames(f)(c, nil, toComplete)
	})
	o.AddWaitFlags(cmd, "Check the rollout with the API server (client and server alike) without storing it.", "Wait until the control plane has rolled out (with --rotate)")
	_ = cmd.RegisterFlagCompletionFunc("within", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"7d", "30d", "60d", "90d"}, cobra.ShellCompDirectiveNoFileComp
	})
	return cmd
}

// Complete takes the cluster names.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Factory = f
	o.namespaceFlag = cmd.Flags().Changed("namespace")
	var err error
	o.Names, err = common.ParseNames(args)
	return err
}

// Validate checks every flag before anything connects.
func (o *Options) Validate() error {
	d, err := tkocerts.ParseWithin(o.Within)
	if err != nil {
		return cmdutil.FlagErrorf("--within: %v", err)
	}
	o.within = d
	if err := o.FleetOptions.Validate(); err != nil {
		return err
	}
	if f := o.Output.Format(); f == "name" || strings.HasPrefix(f, "custom-columns") {
		return cmdutil.FlagErrorf("-o %s applies to Kubernetes objects; this is a report: use -o json, yaml or jsonpath", f)
	}
	return o.validateRotate()
}

// Run inspects every selected cluster of every selected management
// cluster and reports.
func (o *Options) Run(ctx context.Context) error {
	if o.Rotate != "" {
		return o.rotate(ctx)
	}
	report, fleetView, err := o.Inspect(ctx)
	if err != nil {
		return err
	}
	if err := o.print(report, fleetView); err != nil {
		return err
	}
	if report.Failed(o.Selection.Strict) {
		return explain.Failure()
	}
	return nil
}

// Inspect inspects every selected cluster of every selected management
// cluster; fleetView says the rows come from several contexts.
func (o *Options) Inspect(ctx context.Context) (tkocerts.Report, bool, error) {
	// Workload clusters are picked here, not connected to as fleet targets:
	// their certificates live on both sides, so each management cluster is
	// the target and reaches its clusters itself.
	pick := picker{names: slices.Concat(o.Names, o.Selection.Clusters), all: o.AllNamespaces || o.Selection.AllWorkloadClusters,
		selector: o.Selection.ClusterSelector, management: o.IncludeManagement, namespaceFlag: o.namespaceFlag}
	sel := o.Selection
	sel.Clusters, sel.AllWorkloadClusters, sel.ClusterSelector = nil, false, ""
	perCluster := sel.Timeout
	sel.Parallel, sel.Timeout = min(sel.Parallel, 4), 0
	clock := tkocerts.Clock{Now: o.now(), Within: o.within}
	run, err := cli.RunFleet(ctx, o.Factory, sel, []kube.Requirement{capi.Requirement}, o.Streams.ErrOut,
		func(ctx context.Context, t cli.Target) ([]tkocerts.Row, error) {
			return o.inspectContext(ctx, t, pick, clock, perCluster)
		})
	if err != nil {
		return tkocerts.Report{}, false, err
	}
	var rows []tkocerts.Row
	for i, r := range run.Results {
		if r.Err != nil {
			rows = append(rows, tkocerts.Row{Context: r.Target, Cluster: "-", What: "management cluster", Where: "context " + r.Target,
				Status: tkocerts.StatusUnknown, Note: "could not be checked: " + run.Message(i)})
			continue
		}
		rows = append(rows, r.Value...)
	}
	return tkocerts.NewReport(clock, rows), run.IsFleet(), nil
}

func (o *Options) inspectContext(ctx context.Context, t cli.Target, pick picker, clock tkocerts.Clock, perCluster time.Duration) ([]tkocerts.Row, error) {
	api, err := capi.FromServed(t.Clients.Served)
	if err != nil {
		return nil, err
	}
	clusters, err := pick.clusters(ctx, t.Clients.Dynamic, api, t.Clients.Namespace)
	if err != nil {
		return nil, err
	}
	timeout := t.Clients.Config.Timeout
	dial := tkocerts.DefaultDialTimeout
	if perCluster > 0 {
		// Within the cluster's own bound, so a silent endpoint is its row.
		dial = min(dial, max(perCluster, time.Second))
	}
	m := tkocerts.Management{Dyn: t.Clients.Dynamic, API: api, DialTimeout: dial,
		Tune: func(cfg *rest.Config) { cfg.Timeout = timeout }}
	m.LoadADCs(ctx)
	rows := tkocerts.InspectAll(ctx, m, clusters, clock, fleet.Options{Parallel: o.Selection.Parallel, Timeout: perCluster})
	for i := range rows {
		rows[i].Context = t.Name
	}
	return rows, nil
}

func (o *Options) print(report tkocerts.Report, fleetView bool) error {
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, report)
	}
	t := cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	for _, h := range []string{"CLUSTER", "WHAT", "WHERE", "NOT AFTER", "DAYS LEFT", "RENEWED BY", "STATUS", "NOTE"} {
		t.Columns = append(t.Columns, cmdutil.Column{Header: h})
	}
	t.Columns = append(t.Columns, cmdutil.Column{Header: "SUBJECT", Wide: true}, cmdutil.Column{Header: "ISSUER", Wide: true})
	for _, r := range report.Certificates {
		var row []string
		if fleetView {
			row = append(row, cli.TargetName(r.Context))
		}
		notAfter, days := "-", "-"
		if r.NotAfter != nil {
			notAfter = r.NotAfter.Format(time.RFC3339)
		}
		if r.DaysLeft != nil {
			days = fmt.Sprint(*r.DaysLeft)
		}
		row = append(row, r.Cluster, r.What, r.Where, notAfter, days, dash(r.RenewedBy), r.Status, dash(r.Note), dash(r.Subject), dash(r.Issuer))
		t.Rows = append(t.Rows, row)
	}
	if err := t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders); err != nil {
		return err
	}
	s := report.Summary
	fmt.Fprintf(o.Streams.ErrOut, "certs: %d certificate(s); within %s: %d expiring, %d expired, %d invalid, %d not ready, %d could not be checked",
		s.Certificates, days(o.within), s.Expiring, s.Expired, s.Invalid, s.NotReady, s.Unchecked)
	if s.Earliest != nil {
		fmt.Fprintf(o.Streams.ErrOut, "; earliest expiry %s", s.Earliest.Format(time.RFC3339))
	}
	fmt.Fprintln(o.Streams.ErrOut)
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
