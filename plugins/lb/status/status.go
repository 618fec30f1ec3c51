// Package status implements `kubectl tko lb status`.
package status

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb/common"
)

// Options holds the flags and state of `lb status`.
type Options struct {
	cli.FleetOptions
	AllNamespaces bool
	Names         []string
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{FleetOptions: cli.NewFleetOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "status [CLUSTER...] [-A] [--all-contexts]",
		Short: "Which AKODeploymentConfig serves each workload cluster and why, AKO's state, the control-plane endpoint provider",
		Long: cmdutil.LongDesc(`
			For each workload cluster of a management cluster: the AKODeploymentConfig
			that selects it, by the AKO operator's own rules (a management cluster only
			install-ako-for-management-cluster; else a matching non-empty selector wins;
			else install-ako-for-all; clusters that are not Ready are skipped), the
			networking.tkg.tanzu.vmware.com/avi label the operator wrote (and whether it
			agrees), AKO's PackageInstall (load-balancer-and-ingress-service) and its
			StatefulSet in the cluster's avi-system namespace (read through the
			cluster's kubeconfig Secret), and what serves the control-plane
			endpoint (NSX ALB or kube-vip, from the cluster's topology variables).

			With --all-contexts, or --context a,b,c, every management cluster in the
			kubeconfig is read concurrently and a CONTEXT column is added; on a
			terminal each context's rows show as it answers. A context that cannot
			be reached is a row with its error (exit code 1 only with --strict).
			--target-timeout bounds each workload cluster; a context gets twice
			that, for its own reads and then its clusters'.`),
		Example: cmdutil.Examples(`
			# Every workload cluster
			kubectl tko lb status -A

			# One cluster, as YAML
			kubectl tko lb status wc-prod-1 -o yaml

			# Every management cluster in the kubeconfig
			kubectl tko lb status -A --all-contexts`),
		ValidArgsFunction: cli.CompleteClusterNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "Clusters of every namespace.")
	o.Fleet.AddContextFlags(cmd, "")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the cluster names.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Names = args
	return nil
}

// Row is one cluster's load-balancing status; in a fleet view a context
// that could not be read is a row with its Error.
type Row struct {
	Context   string    `json:"context,omitempty"`
	Namespace string    `json:"namespace,omitempty"`
	Name      string    `json:"name,omitempty"`
	ADC       lb.Choice `json:"adc"`
	Label     string    `json:"label,omitempty"` // networking.tkg.tanzu.vmware.com/avi as the operator wrote it
	Endpoint  string    `json:"endpointProvider,omitempty"`
	AKO       *lb.AKO   `json:"ako,omitempty"`
	AKOError  string    `json:"akoError,omitempty"` // why AKO could not be read
	Error     string    `json:"error,omitempty"`    // why the context could not be read

	notProvisioned bool // no kubeconfig Secret yet
}

// Run reads every target and prints.
func (o *Options) Run(ctx context.Context) error {
	sel := o.Selection
	clusterOpts := sel.Options
	if sel.ContextFleet() && sel.Timeout > 0 {
		// The context's own reads, then its clusters' each within the timeout.
		sel.Timeout *= 2
	}
	var (
		stream *cmdutil.RowWriter
		each   func(int, fleet.Result[[]Row])
	)
	if cli.Streamed(o.Streams.Out, o.Output, sel) {
		// A person sees each context's rows as it answers, in columns
		// fixed from the start, while slow contexts are pending.
		stream = table(true).StreamWriter(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, o.streamWidths())
		each = func(_ int, r fleet.Result[[]Row]) { writeRows(stream, contextRows(r)) }
	}
	// The resources are known: no discovery unless one is not served.
	report, err := cli.RunFleetDirect(ctx, o.Factory, sel, o.Streams.ErrOut,
		func(ctx context.Context, t cli.Target) ([]Row, error) { return o.read(ctx, t, clusterOpts) }, each)
	if err != nil {
		return err
	}
	if len(o.Names) > 0 && report.IsFleet() {
		// A context without the named clusters is no failure; none having them is not found.
		report.Object = &errs.NotFoundError{Kind: "cluster", Name: strings.Join(o.Names, ","), Hint: "list them with 'kubectl tko cluster list -A --all-contexts'"}
	}
	var rows []Row
	for _, r := range report.Results {
		rows = append(rows, contextRows(r)...)
	}
	switch {
	case stream != nil:
		o.reportEmpty(stream)
	case !o.Output.Human():
		if err := o.Output.PrintData(o.Streams.Out, rows); err != nil {
			return err
		}
	default:
		w := table(report.IsFleet()).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
		writeRows(w, rows)
		if err := w.Flush(); err != nil {
			return err
		}
		o.reportEmpty(w)
	}
	return report.Exit()
}

// contextRows are a context's rows, each under its name, or one row with
// its error.
func contextRows(r fleet.Result[[]Row]) []Row {
	if r.Err != nil {
		return []Row{{Context: r.Target, Error: explain.Message(r.Err)}}
	}
	for i := range r.Value {
		r.Value[i].Context = r.Target
	}
	return r.Value
}

// read reads one management cluster: its ADCs and clusters at once, then
// AKO in each selected workload cluster, bounded by opts.
func (o *Options) read(ctx context.Context, t cli.Target, opts fleet.Options) ([]Row, error) {
	c := t.Clients
	ns := c.Namespace
	if o.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	var (
		adcs []*lb.ADC
		list *unstructured.UnstructuredList
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { adcs, err = common.ListADCs(gctx, c.Dynamic); return err })
	g.Go(func() (err error) { list, err = listClusters(gctx, c, ns); return err })
	if err := g.Wait(); err != nil {
		if !apierrors.IsNotFound(err) {
			return nil, err
		}
		// An API is not served: discovery says which, as every command
		// words it.
		served, derr := t.Discover(ctx, lb.Requirement, capi.Requirement)
		if derr == nil {
			_, derr = capi.FromServed(served)
		}
		if derr != nil {
			return nil, derr
		}
		return nil, err
	}
	var clusters []*unstructured.Unstructured
	for i := range list.Items {
		u := &list.Items[i]
		if len(o.Names) == 0 || slices.Contains(o.Names, u.GetName()) {
			clusters = append(clusters, u)
		}
	}
	for _, name := range o.Names {
		if !slices.ContainsFunc(clusters, func(u *unstructured.Unstructured) bool { return u.GetName() == name }) {
			return nil, &errs.NotFoundError{Kind: "cluster", Name: name, Namespace: ns, Hint: "list them with 'kubectl tko cluster list -A'"}
		}
	}
	keys := make([]string, len(clusters))
	for i, u := range clusters {
		keys[i] = u.GetNamespace() + "/" + u.GetName()
	}
	tune := func(cfg *rest.Config) {
		cfg.Timeout = c.Config.Timeout
		t.Factory.ShareDial(cfg)
	}
	akos := fleet.Run(ctx, keys, opts, func(ctx context.Context, key string) (*lb.AKO, error) {
		u := clusters[slices.Index(keys, key)]
		wc, err := fleet.Connect(ctx, c.Dynamic, u.GetNamespace(), u.GetName(), tune)
		if err != nil {
			return nil, err
		}
		state, err := lb.Read(ctx, wc.Dynamic, lb.AKONamespace)
		if err != nil {
			return nil, err
		}
		return state.AKO, nil
	})
	rows := make([]Row, len(clusters))
	for i, u := range clusters {
		rows[i] = Row{Namespace: u.GetNamespace(), Name: u.GetName(), ADC: lb.Select(u, adcs), Label: u.GetLabels()[lb.LabelAVI], Endpoint: capi.EndpointProvider(u), AKO: akos[i].Value}
		if err := akos[i].Err; err != nil {
			var nf *errs.NotFoundError
			rows[i].AKOError, rows[i].notProvisioned = explain.Message(err), errors.As(err, &nf)
		}
	}
	return rows, nil
}

// listClusters lists the Clusters in the versions kubectl tko reads,
// newest first: a 404 costs a round trip where discovery before the list
// would cost one on every context.
func listClusters(ctx context.Context, c *kube.Clients, ns string) (list *unstructured.UnstructuredList, err error) {
	for _, v := range capi.Versions {
		api := capi.API{Version: v}
		list, err = c.Dynamic.Resource(api.Clusters()).Namespace(ns).List(ctx, metav1.ListOptions{})
		if !apierrors.IsNotFound(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("listing clusters: %w", err)
	}
	return list, nil
}

func table(fleetView bool) *cmdutil.Table {
	t := &cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	t.Columns = append(t.Columns, cmdutil.Column{Header: "NAMESPACE"}, cmdutil.Column{Header: "NAME"}, cmdutil.Column{Header: "ADC"}, cmdutil.Column{Header: "AKO"}, cmdutil.Column{Header: "ENDPOINT"},
		cmdutil.Column{Header: "AKO PACKAGE", Wide: true}, cmdutil.Column{Header: "LABEL", Wide: true}, cmdutil.Column{Header: "REASON", Wide: true}, cmdutil.Column{Header: "AKO DETAIL", Wide: true})
	return t
}

// streamWidths are the columns of a streamed fleet table: the contexts'
// longest name, and what a TKG estate's rows usually take.
func (o *Options) streamWidths() map[string]int {
	return map[string]int{"CONTEXT": cli.TargetWidth(o.Factory, o.Selection), "NAMESPACE": 16, "NAME": 24, "ADC": len("install-ako-for-management-cluster"),
		"AKO": len("not provisioned"), "ENDPOINT": len("kube-vip"), "AKO PACKAGE": 44, "LABEL": 34, "REASON": 40}
}

func (o *Options) reportEmpty(w *cmdutil.RowWriter) {
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No clusters found.")
	}
}

// writeRows writes rows; in a fleet view each starts with its context, and
// a context that failed is a row saying why.
func writeRows(w *cmdutil.RowWriter, rows []Row) {
	for _, r := range rows {
		var cells []string
		if r.Context != "" {
			cells = append(cells, r.Context)
		}
		if r.Error != "" {
			w.Write(append(cells, "-", "-", "-", "Error: "+r.Error, "-", "-", "-", "-", r.Error))
			continue
		}
		adc := r.ADC.ADC
		if adc == "" {
			adc = "<none>"
		}
		label := r.Label
		if label != "" && r.ADC.ADC != "" && label != r.ADC.ADC {
			label += " (operator disagrees: " + r.ADC.ADC + " expected)"
		}
		w.Write(append(cells, r.Namespace, r.Name, adc, akoCell(r), cmdutil.OrDash(r.Endpoint), akoPackage(r), cmdutil.OrDash(label), r.ADC.Reason, cmdutil.OrDash(r.AKOError)))
	}
}

func akoPackage(r Row) string {
	if r.AKO == nil || r.AKO.Package == "" {
		return "-"
	}
	return r.AKO.Package + " " + cmdutil.OrDash(r.AKO.PackageState)
}

func akoCell(r Row) string {
	switch {
	case r.AKOError != "" && r.notProvisioned:
		return "not provisioned"
	case r.AKOError != "":
		return "unreachable"
	case r.AKO == nil || !r.AKO.Installed:
		return "not installed"
	case r.AKO.Ready():
		return fmt.Sprintf("running %d/%d", r.AKO.ReadyReplicas, r.AKO.Replicas)
	}
	return fmt.Sprintf("not ready %d/%d", r.AKO.ReadyReplicas, r.AKO.Replicas)
}
