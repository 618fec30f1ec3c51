// Package audit implements `kubectl tko cluster audit`.
package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	tkoaudit "github.com/vmware-tanzu-labs/kubectl-tko/internal/audit"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/common"
)

// Options holds the flags and state of `cluster audit`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	Names             []string
	AllNamespaces     bool
	IncludeManagement bool
	Fleet             *cli.FleetFlags

	sel           fleet.Selection
	namespaceFlag bool
}

// NewCmd returns the audit command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags("junit"), Fleet: cli.NewFleetFlags()}
	o.Fleet.FailAlways = true
	o.Fleet.SetTimeout(15 * time.Second)
	cmd := &cobra.Command{
		Use:   "audit [NAME...] [-A] [--all-contexts]",
		Short: "Check workload clusters against the TKO reference design",
		Long: cmdutil.LongDesc(`
			Check workload clusters against the TKO reference design: highly available
			control plane, MachineHealthChecks, Antrea, a load-balanced API endpoint,
			audit logging, Pinniped identity, the shared-services packages, a supported
			Kubernetes version, certificate rotation, and a reconciled (not paused, not
			stuck deleting) state. Each check prints PASS, WARN, FAIL or SKIP with a
			one-line reason; see docs/audit-rules.md for the rationale of each.

			Identity and packages are read from the workload cluster itself through its
			admin kubeconfig Secret; an unreachable cluster SKIPs those checks.

			With --all-contexts, or --context a,b,c, every management cluster is audited
			concurrently under a CONTEXT column; on a terminal each context's checks
			show as it answers. --target-timeout bounds each request to a workload
			cluster; a context that does not answer within three times that is a row
			of its own.

			Exit code 1 when any check FAILs, so it can gate a pipeline (-o junit).`),
		Example: cmdutil.Examples(`
			# One cluster
			kubectl tko cluster audit wc-prod-1

			# Every cluster of every management cluster, as JUnit for CI
			kubectl tko cluster audit -A --all-contexts -o junit > tko-audit.xml

			# Chained with list (a NAME not in the namespace is looked up in all of them)
			kubectl tko cluster list -A -o name | xargs -n1 kubectl tko cluster audit`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Audit clusters in every namespace (with NAME: find NAME in any namespace).")
	cmd.Flags().BoolVar(&o.IncludeManagement, "include-management-cluster", false, "Also audit the management cluster's own Cluster object.")
	o.Fleet.AddContextFlags(cmd, "cluster-timeout")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the names, -n and the fleet flags.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.Factory = f
	o.namespaceFlag = cmd.Flags().Changed("namespace")
	var err error
	if o.Names, err = common.ParseNames(args); err != nil {
		return err
	}
	o.sel, err = o.Fleet.Selection(f)
	return err
}

// Validate checks the flags.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run audits and reports.
func (o *Options) Run(ctx context.Context) error {
	// A context audits its clusters in parallel itself: fewer contexts at
	// once, and --target-timeout bounds each request to a workload
	// cluster. A context gets its own reads, a cluster's kubeconfig Secret
	// and that cluster's reads, each that long, so a silent one does not
	// hold the fleet.
	sel := o.sel
	sel.Parallel, sel.Timeout = min(sel.Parallel, 4), 3*sel.Timeout
	var (
		stream *cmdutil.RowWriter
		each   func(int, fleet.Result[[]tkoaudit.ClusterReport])
	)
	if cli.Streamed(o.Streams.Out, o.Output, o.sel) {
		// Each context's checks as it answers, in columns fixed from the start.
		stream = table(true).StreamWriter(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, map[string]int{"CONTEXT": cli.TargetWidth(o.Factory, o.sel),
			"NAMESPACE": 16, "CLUSTER": 24, "CHECK": len("TKO-STATE-001"), "SEVERITY": len("medium"), "STATUS": len("ERROR")})
		each = func(_ int, r fleet.Result[[]tkoaudit.ClusterReport]) {
			for _, c := range contextReports(r) {
				writeCluster(stream, c, true)
			}
		}
	}
	run, err := cli.RunFleetEach(ctx, o.Factory, sel, []kube.Requirement{capi.Requirement}, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) ([]tkoaudit.ClusterReport, error) {
		return o.auditContext(ctx, t)
	}, each)
	if err != nil {
		return err
	}
	var reports []tkoaudit.ClusterReport
	for _, r := range run.Results {
		reports = append(reports, contextReports(r)...)
	}
	report := tkoaudit.NewReport(reports)
	if stream != nil {
		o.summary(report)
	} else if err := o.print(report, run.IsFleet()); err != nil {
		return err
	}
	if report.Failed() {
		return explain.Failure()
	}
	return nil
}

// contextReports are a context's cluster reports, or one saying why the
// context could not be audited.
func contextReports(r fleet.Result[[]tkoaudit.ClusterReport]) []tkoaudit.ClusterReport {
	if r.Err != nil {
		return []tkoaudit.ClusterReport{{Context: r.Target, Error: explain.Message(r.Err)}}
	}
	return r.Value
}

func (o *Options) auditContext(ctx context.Context, t cli.Target) ([]tkoaudit.ClusterReport, error) {
	api, err := capi.FromServed(t.Clients.Served)
	if err != nil {
		return nil, err
	}
	c := &common.Client{API: api, Dyn: t.Clients.Dynamic, Namespace: t.Clients.Namespace}
	// The clusters, the releases and, for a namespace or all, the node
	// pools and health checks of every cluster are independent reads: one
	// round trip, not more per cluster. The rules read no machines.
	var (
		clusters []*unstructured.Unstructured
		tkrs     []capi.TKR
		served   bool
		trees    *capi.TreeObjects
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { clusters, err = o.clusters(gctx, c); return err })
	g.Go(func() (err error) { tkrs, served, err = capi.ListTKRs(gctx, c.Dyn, c.API); return err })
	if len(o.Names) == 0 {
		ns := c.Namespace
		if o.AllNamespaces {
			ns = metav1.NamespaceAll
		}
		g.Go(func() (err error) { trees, err = capi.ReadPoolObjects(gctx, c.Dyn, c.API, ns); return err })
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	m := tkoaudit.Management{Dyn: c.Dyn, API: c.API, TKRs: tkrs, TKRsServed: served, Trees: trees, Tune: func(cfg *rest.Config) {
		cfg.Timeout = o.sel.Timeout
		t.Factory.ShareDial(cfg)
	}}
	keys := make([]string, len(clusters))
	for i, u := range clusters {
		keys[i] = u.GetNamespace() + "/" + u.GetName()
	}
	results := fleet.Run(ctx, keys, fleet.Options{Parallel: o.sel.Parallel}, func(ctx context.Context, key string) (tkoaudit.ClusterReport, error) {
		u := clusters[slices.Index(keys, key)]
		in, err := tkoaudit.Collect(ctx, m, u)
		if err != nil {
			return tkoaudit.ClusterReport{}, err
		}
		return tkoaudit.ClusterReport{Context: t.Name, Namespace: u.GetNamespace(), Name: u.GetName(), Results: tkoaudit.Run(in)}, nil
	})
	out := make([]tkoaudit.ClusterReport, 0, len(results))
	for i, r := range results {
		if r.Err != nil {
			out = append(out, tkoaudit.ClusterReport{Context: t.Name, Namespace: clusters[i].GetNamespace(), Name: clusters[i].GetName(), Error: explain.Message(r.Err)})
			continue
		}
		out = append(out, r.Value)
	}
	return out, nil
}

// clusters resolves what to audit: the named clusters (in the namespace,
// or anywhere with -A), or every cluster of the namespace or of all.
func (o *Options) clusters(ctx context.Context, c *common.Client) ([]*unstructured.Unstructured, error) {
	ns := c.Namespace
	if o.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	if len(o.Names) > 0 && !o.AllNamespaces {
		var out []*unstructured.Unstructured
		for _, name := range o.Names {
			u, err := capi.GetCluster(ctx, c.Dyn, c.API, c.Namespace, name)
			var notFound *errs.NotFoundError
			if errors.As(err, &notFound) && !o.namespaceFlag {
				// `list -A -o name` drops namespaces; find a unique match anywhere.
				u, err = common.FindAnywhere(ctx, c.Dyn, c.API, name)
			}
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, nil
	}
	list, err := c.Dyn.Resource(c.API.Clusters()).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	wanted := map[string]bool{}
	for _, n := range o.Names {
		wanted[n] = true
	}
	var out []*unstructured.Unstructured
	for i := range list.Items {
		u := &list.Items[i]
		if len(wanted) > 0 && !wanted[u.GetName()] {
			continue
		}
		if capi.IsManagement(u) && !o.IncludeManagement && len(wanted) == 0 {
			continue
		}
		out = append(out, u)
	}
	for name := range wanted {
		found := false
		for _, u := range out {
			found = found || u.GetName() == name
		}
		if !found {
			return nil, &errs.NotFoundError{Kind: "cluster", Name: name, Hint: "no namespace has it; list them with 'kubectl tko cluster list -A'"}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].GetNamespace() != out[j].GetNamespace() {
			return out[i].GetNamespace() < out[j].GetNamespace()
		}
		return out[i].GetName() < out[j].GetName()
	})
	return out, nil
}

func (o *Options) print(report tkoaudit.Report, fleetView bool) error {
	switch {
	case o.Output.Format() == "junit":
		x, err := report.JUnit()
		if err != nil {
			return err
		}
		_, err = o.Streams.Out.Write(x)
		return err
	case !o.Output.Human():
		return o.Output.PrintData(o.Streams.Out, report)
	}
	w := table(fleetView).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, c := range report.Clusters {
		writeCluster(w, c, fleetView)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	o.summary(report)
	return nil
}

func table(fleetView bool) *cmdutil.Table {
	t := &cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	t.Columns = append(t.Columns, cmdutil.Column{Header: "NAMESPACE"}, cmdutil.Column{Header: "CLUSTER"}, cmdutil.Column{Header: "CHECK"},
		cmdutil.Column{Header: "SEVERITY"}, cmdutil.Column{Header: "STATUS"}, cmdutil.Column{Header: "REASON"}, cmdutil.Column{Header: "TITLE", Wide: true})
	return t
}

// writeCluster writes a cluster's checks, or its row saying why it could
// not be audited.
func writeCluster(w *cmdutil.RowWriter, c tkoaudit.ClusterReport, fleetView bool) {
	prefix := []string{}
	if fleetView {
		prefix = append(prefix, c.Context)
	}
	if c.Error != "" {
		w.Write(append(prefix, c.Namespace, c.Name, "-", "-", "ERROR", c.Error, ""))
		return
	}
	for _, r := range c.Results {
		w.Write(append(append([]string{}, prefix...), c.Namespace, c.Name, r.ID, r.Severity, r.Status, r.Reason, r.Title))
	}
}

func (o *Options) summary(report tkoaudit.Report) {
	s := report.Summary
	fmt.Fprintf(o.Streams.ErrOut, "audit: %d PASS, %d WARN, %d FAIL, %d SKIP across %d cluster(s)", s.Pass, s.Warn, s.Fail, s.Skip, len(report.Clusters))
	if s.Errors > 0 {
		fmt.Fprintf(o.Streams.ErrOut, ", %d could not be audited", s.Errors)
	}
	fmt.Fprintln(o.Streams.ErrOut)
}
