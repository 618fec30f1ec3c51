// Package list implements `kubectl tko cluster list`.
package list

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
)

// Options holds the flags and state of `cluster list`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	AllNamespaces     bool
	Selector          string
	IncludeManagement bool
	Fleet             *cli.FleetFlags

	namespace string // the current context's, for the note on an empty list
	sel       fleet.Selection
	raw       bool // keep the objects as JSON (-o json|yaml on one context)
}

// NewCmd returns the list command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags(), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List workload clusters, on one management cluster or across a fleet",
		Long: cmdutil.LongDesc(`
			List the Cluster API workload clusters of a management cluster: class,
			Kubernetes version, control-plane and worker readiness and an overall status
			(Available, Provisioning, Degraded, Failed, Deleting, Paused). The
			TanzuKubernetesClusters of vSphere with Tanzu are listed too, in their vSphere
			namespaces (class TanzuKubernetesCluster); -o wide adds their TKR and VM classes.

			With --all-contexts, or --context a,b,c, every management cluster in the
			kubeconfig is listed concurrently and a CONTEXT column is added; a context
			that cannot be reached shows as a row with its error (exit code 1 only
			with --strict).`),
		Example: cmdutil.Examples(`
			# Clusters in the current namespace
			kubectl tko cluster list

			# Everywhere, with TKR, VM classes (TanzuKubernetesClusters), plan, endpoint and message
			kubectl tko cluster list -A -o wide

			# Every management cluster in the kubeconfig
			kubectl tko cluster list -A --all-contexts

			# Names only, to feed another command
			kubectl tko cluster list -A -o name`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List clusters in all namespaces.")
	cmd.Flags().StringVarP(&o.Selector, "selector", "l", "", "Label selector, e.g. -l tkg.tanzu.vmware.com/cluster-plan=prod.")
	cmd.Flags().BoolVar(&o.IncludeManagement, "include-management-cluster", false, "Also list the management cluster's own Cluster object.")
	o.Fleet.AddContextFlags(cmd, "context-timeout")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete checks the fleet flags.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, _ []string) error {
	o.Factory = f
	var err error
	o.sel, err = o.Fleet.Selection(f)
	return err
}

// Validate checks flag combinations.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	return nil
}

// Page is what one context returned.
type Page struct {
	Clusters []capi.Cluster
	Objects  []*unstructured.Unstructured
	Raw      []json.RawMessage // with -o json|yaml on one context: the objects as the server sent them
}

// Run lists and prints.
func (o *Options) Run(ctx context.Context) error {
	keepObjects, fleetView := !o.Output.Human(), o.sel.ContextFleet()
	if !o.AllNamespaces {
		// Read first: a missing context is "not found" here (exit 3).
		ns, err := o.Factory.Namespace()
		if err != nil && !fleetView {
			return err
		}
		o.namespace = ns
	}
	// -o json and yaml on one context are printed from the bytes the
	// server sent: thousands of Clusters are not held as maps.
	o.raw = keepObjects && !fleetView && o.Output.RawList()
	var rows, fleetRows *cmdutil.RowWriter
	now := time.Now()
	if !keepObjects && !fleetView {
		// Rows are printed page by page as they arrive.
		rows = o.table(false).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	}
	var each func(int, fleet.Result[Page])
	if !keepObjects && fleetView && cmdutil.IsTerminal(o.Streams.Out) {
		// A person sees each context's rows as it answers, in columns
		// fixed from the start, while slow contexts are pending.
		fleetRows = o.table(true).StreamWriter(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, o.streamWidths())
		each = func(_ int, r fleet.Result[Page]) { o.writeFleetRows(fleetRows, r, now) }
	}
	// The resources are known: no discovery unless one is not served.
	report, err := cli.RunFleetDirect(ctx, o.Factory, o.sel, o.Streams.ErrOut, func(ctx context.Context, t cli.Target) (Page, error) {
		var emit func(capi.Cluster)
		if rows != nil {
			emit = func(c capi.Cluster) { rows.Write(o.row("", c, false, now)) }
		}
		return o.list(ctx, t, keepObjects, emit)
	}, each)
	if err != nil {
		return err
	}
	if fleetRows != nil {
		o.reportEmpty(fleetRows.Rows)
		return report.Exit()
	}
	if !fleetView {
		page := report.Results[0].Value
		switch {
		case rows != nil:
			if err := rows.Flush(); err != nil {
				return err
			}
			o.reportEmpty(rows.Rows)
			return nil
		case o.raw:
			return o.Output.PrintRawList(o.Streams.Out, page.Raw)
		}
		return o.Output.PrintObjects(o.Streams.Out, page.Objects, false)
	}
	if !keepObjects {
		if err := o.printTable(report); err != nil {
			return err
		}
		return report.Exit()
	}
	var all []*unstructured.Unstructured
	for _, r := range report.Results {
		for _, obj := range r.Value.Objects {
			// The context is recorded on each object so merged output stays traceable.
			anns := obj.GetAnnotations()
			if anns == nil {
				anns = map[string]string{}
			}
			anns[kube.AnnotationContext] = r.Target
			obj.SetAnnotations(anns)
			all = append(all, obj)
		}
	}
	report.Warn(o.Streams.ErrOut)
	if err := o.Output.PrintObjects(o.Streams.Out, all, false); err != nil {
		return err
	}
	return report.Exit()
}

// list lists the clusters of one context; with emit set, each cluster is
// handed over as its page arrives instead of being kept.
func (o *Options) list(ctx context.Context, t cli.Target, keepObjects bool, emit func(capi.Cluster)) (Page, error) {
	c := t.Clients
	rest, err := kube.NewREST(c.Config)
	if err != nil {
		return Page{}, err
	}
	// The versions kubectl tko reads are tried in turn, newest first: a
	// 404 costs a round trip where discovery before each list would cost
	// one on every cluster.
	opts := capi.ListOptions{Selector: o.Selector, IncludeManagement: o.IncludeManagement, TKCVersions: tkc.Versions, ClusterVersions: capi.Versions}
	if !o.AllNamespaces {
		opts.Namespace = c.Namespace // each context's own in a fleet view
	}
	switch {
	case keepObjects && o.raw:
		opts.Mode = capi.ListRaw
	case keepObjects:
		opts.Mode = capi.ListObjects
	}
	var page Page
	visit := func(l capi.Listed) {
		if emit != nil {
			emit(l.Cluster)
			return
		}
		page.Clusters = append(page.Clusters, l.Cluster)
		switch {
		case l.Raw != nil:
			page.Raw = append(page.Raw, l.Raw)
		case l.Object != nil:
			page.Objects = append(page.Objects, l.Object)
		}
	}
	err = capi.ListClusters(ctx, rest, c.Dynamic, capi.API{}, opts, visit)
	if apierrors.IsNotFound(err) {
		// Neither version is served: discovery says why (no Cluster API,
		// or one too old), as every command words it.
		served, derr := t.Discover(ctx, capi.Requirement)
		if derr == nil {
			_, derr = capi.FromServed(served)
		}
		if derr != nil {
			return Page{}, derr
		}
	}
	if err != nil {
		return Page{}, err
	}
	return page, nil
}

func (o *Options) table(fleetView bool) *cmdutil.Table {
	t := &cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	if o.AllNamespaces || fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "NAMESPACE"})
	}
	t.Columns = append(t.Columns,
		cmdutil.Column{Header: "NAME"}, cmdutil.Column{Header: "CLASS"}, cmdutil.Column{Header: "VERSION"},
		cmdutil.Column{Header: "CONTROLPLANE"}, cmdutil.Column{Header: "WORKERS"}, cmdutil.Column{Header: "STATUS"}, cmdutil.Column{Header: "AGE"},
		cmdutil.Column{Header: "TKR", Wide: true}, cmdutil.Column{Header: "VM-CLASS", Wide: true}, cmdutil.Column{Header: "PLAN", Wide: true}, cmdutil.Column{Header: "ROLE", Wide: true},
		cmdutil.Column{Header: "ENDPOINT", Wide: true}, cmdutil.Column{Header: "MESSAGE", Wide: true})
	return t
}

func (o *Options) row(contextName string, c capi.Cluster, fleetView bool, now time.Time) []string {
	var row []string
	if fleetView {
		row = append(row, contextName)
	}
	if o.AllNamespaces || fleetView {
		row = append(row, c.Namespace)
	}
	return append(row, c.Name, cmdutil.OrDash(c.Class), cmdutil.OrDash(c.Version), c.ControlPlane.String(), c.Workers.String(), c.Status,
		duration.HumanDuration(now.Sub(c.Created)), cmdutil.OrDash(c.TKR), cmdutil.OrDash(strings.Join(c.VMClasses, ",")), cmdutil.OrDash(c.Plan), c.Role, cmdutil.OrDash(c.Endpoint), cmdutil.OrDash(c.Message))
}

func (o *Options) reportEmpty(rows int) {
	if rows > 0 || o.Output.NoHeaders {
		return
	}
	where := fmt.Sprintf("in namespace %q", o.namespace)
	if o.AllNamespaces {
		where = "in any namespace"
	}
	fmt.Fprintf(o.Streams.ErrOut, "No clusters found %s.\n", where)
}

// writeFleetRows writes a context's rows, or a failed context's row with
// its error.
func (o *Options) writeFleetRows(rows *cmdutil.RowWriter, r fleet.Result[Page], now time.Time) {
	if r.Err != nil {
		msg := explain.Message(r.Err)
		status := "Error"
		if !o.Output.Wide() {
			// Without -o wide the MESSAGE column is hidden; keep the cause visible.
			status += ": " + msg
		}
		rows.Write([]string{r.Target, "", "", "", "", "", "", status, "", "", "", "", "", "", msg})
		return
	}
	for _, c := range r.Value.Clusters {
		rows.Write(o.row(r.Target, c, true, now))
	}
}

// streamWidths are the columns of a streamed fleet table: the contexts'
// longest name, and what a TKG estate's rows usually take, so that rows
// arriving later line up with the first.
func (o *Options) streamWidths() map[string]int {
	widths := map[string]int{"NAMESPACE": 16, "NAME": 24, "CLASS": 22, "VERSION": 18, "STATUS": 12, "AGE": 5,
		"TKR": 32, "VM-CLASS": 18, "PLAN": 4, "ROLE": 10, "ENDPOINT": 20}
	if raw, err := o.Factory.RawConfig(); err == nil {
		if names, err := fleet.ContextNames(raw, o.sel); err == nil {
			for _, n := range names {
				widths["CONTEXT"] = max(widths["CONTEXT"], len(n))
			}
		}
	}
	return widths
}

// printTable prints a fleet view: contexts in the order given, a failed
// context as a row with its error.
func (o *Options) printTable(report *cli.FleetReport[Page]) error {
	rows := o.table(true).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	now := time.Now()
	for _, r := range report.Results {
		o.writeFleetRows(rows, r, now)
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	o.reportEmpty(rows.Rows)
	return nil
}
