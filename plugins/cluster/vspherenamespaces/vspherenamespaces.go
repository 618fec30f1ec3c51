// Package vspherenamespaces implements `kubectl tko cluster
// vsphere-namespaces`.
package vspherenamespaces

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
)

// The vSphere namespaces are printed by -o json|yaml|name as objects of
// our own kind: they are namespaces plus what the Supervisor allows in them.
const (
	APIVersion = kube.Domain + "/v1alpha1"
	Kind       = "VSphereNamespace"
)

// Options holds the flags and state of `cluster vsphere-namespaces`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Fleet   *cli.FleetFlags

	AllNamespaces bool
	Name          string // one vSphere namespace (NAME or -n); "" for every one

	sel fleet.Selection
}

// NewCmd returns the vsphere-namespaces command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags(), Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:     "vsphere-namespaces [NAME]",
		Aliases: []string{"vsphere-namespace", "vns"},
		Short:   "List the vSphere namespaces of a Supervisor: VM classes, storage quota and TanzuKubernetesClusters",
		Long: cmdutil.LongDesc(`
			List the vSphere namespaces of a vSphere with Tanzu Supervisor: the VM classes
			their TanzuKubernetesClusters may use (namespaced VirtualMachineClasses, or on
			vSphere 7 VirtualMachineClassBindings), the storage classes their
			ResourceQuota allows with what is requested of each and its limit, and how
			many TanzuKubernetesClusters they hold; -o wide adds the vSphere cluster and
			the clusters' names.

			Every vSphere namespace is listed unless NAME or -n names one; -A says so
			explicitly. The namespace of the context is not used: contexts made by
			'kubectl vsphere login' each name one. A user bound in some vSphere
			namespaces only may not list the Supervisor's namespaces: for them the
			context's namespace is shown, with a warning, and others are read by NAME.

			With --all-contexts, or --context a,b,c, every Supervisor in the kubeconfig
			is read concurrently and a CONTEXT column is added; a context that cannot be
			reached shows as a row with its error (exit code 1 only with --strict).`),
		Example: cmdutil.Examples(`
			# Every vSphere namespace of the Supervisor
			kubectl tko cluster vsphere-namespaces

			# One, with its vSphere cluster and TanzuKubernetesClusters
			kubectl tko cluster vsphere-namespaces vsphere-team-a -o wide

			# The storage quota of each, from the printed objects
			kubectl tko cluster vsphere-namespaces -o jsonpath='{range .items[*]}{.metadata.name}: {.storageClasses}{"\n"}{end}'

			# Every Supervisor in the kubeconfig
			kubectl tko cluster vsphere-namespaces --all-contexts`),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("unexpected arguments %q: %s takes at most NAME", args[1:], cmd.Name())
			}
			return nil
		},
		ValidArgsFunction: completeNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List every vSphere namespace (the default without NAME or -n).")
	o.Fleet.AddContextFlags(cmd, "")
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes NAME or -n, and checks the fleet flags.
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Factory = f
	if len(args) == 1 {
		o.Name = args[0]
	}
	// Only an explicit -n counts: the context's namespace would hide the others.
	if ns := f.Overrides.Context.Namespace; ns != "" {
		if o.Name != "" && o.Name != ns {
			return cmdutil.FlagErrorf("NAME %q and -n %q name different vSphere namespaces: pass one", o.Name, ns)
		}
		o.Name = ns
	}
	if o.AllNamespaces && o.Name != "" {
		return cmdutil.FlagErrorf("-A lists every vSphere namespace: leave out NAME and -n, or -A")
	}
	var err error
	o.sel, err = o.Fleet.Selection(f)
	return err
}

// Validate checks -o.
func (o *Options) Validate() error {
	return o.Output.Validate()
}

// Run reads the vSphere namespaces of each context and prints them.
func (o *Options) Run(ctx context.Context) error {
	report, err := cli.RunFleet(ctx, o.Factory, o.sel, []kube.Requirement{tkc.Requirement}, o.Streams.ErrOut,
		func(ctx context.Context, t cli.Target) ([]tkc.Namespace, error) {
			if o.Name == "" {
				return o.every(ctx, t)
			}
			n, err := tkc.Get(ctx, t.Clients.Dynamic, t.Clients.Served, o.Name)
			if err != nil {
				return nil, err
			}
			return []tkc.Namespace{n}, nil
		})
	if err != nil {
		return err
	}
	if o.Name != "" {
		// A context without it is a miss, not a failure.
		report.Object = &errs.NotFoundError{Kind: "vSphere namespace", Name: o.Name}
	}
	fleetView := o.sel.ContextFleet()
	if !o.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, r := range report.Results {
			for _, n := range r.Value {
				objs = append(objs, Object(n, r.Target))
			}
		}
		if fleetView {
			report.Warn(o.Streams.ErrOut)
		}
		if err := o.Output.PrintObjects(o.Streams.Out, objs, o.Name != "" && !fleetView); err != nil {
			return err
		}
		return report.Exit()
	}
	if err := o.printTable(report, fleetView); err != nil {
		return err
	}
	return report.Exit()
}

// every reads every vSphere namespace, or, for a user who may not list the
// Supervisor's namespaces, the context's one: what such a user would see
// with the context 'auth login --vsphere' wrote for it.
func (o *Options) every(ctx context.Context, t cli.Target) ([]tkc.Namespace, error) {
	spaces, err := tkc.Namespaces(ctx, t.Clients.Dynamic, t.Clients.Served, "")
	var forbidden *errs.ForbiddenError
	ns := t.Clients.Namespace
	if !errors.As(err, &forbidden) || ns == "" || ns == "default" {
		return spaces, err
	}
	n, err := tkc.Get(ctx, t.Clients.Dynamic, t.Clients.Served, ns)
	if err != nil {
		return nil, err
	}
	where := ""
	if t.Name != "" {
		where = "context " + t.Name + ": "
	}
	fmt.Fprintf(o.Streams.ErrOut, "warning: %syou may not list the Supervisor's namespaces; showing %s, the context's namespace (name others: kubectl tko cluster vsphere-namespaces NAME)\n", where, ns)
	return []tkc.Namespace{n}, nil
}

// Object is a vSphere namespace as -o json|yaml|name print it; context,
// in a fleet view, is recorded as kube.AnnotationContext.
func Object(n tkc.Namespace, context string) *unstructured.Unstructured {
	meta := map[string]any{"name": n.Name}
	if context != "" {
		meta["annotations"] = map[string]any{kube.AnnotationContext: context}
	}
	storage := make([]any, len(n.StorageClasses))
	for i, s := range n.StorageClasses {
		storage[i] = map[string]any{"class": s.Class, "used": s.Used, "hard": s.Hard}
	}
	obj := map[string]any{
		"apiVersion": APIVersion, "kind": Kind, "metadata": meta,
		"vmClasses": anys(n.VMClasses), "storageClasses": storage, "tanzuKubernetesClusters": anys(n.TKCs),
	}
	if n.VSphereCluster != "" {
		obj["vSphereCluster"] = n.VSphereCluster
	}
	return &unstructured.Unstructured{Object: obj}
}

// anys makes a list an unstructured object may hold.
func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func table(fleetView bool) *cmdutil.Table {
	t := &cmdutil.Table{}
	if fleetView {
		t.Columns = append(t.Columns, cmdutil.Column{Header: "CONTEXT"})
	}
	t.Columns = append(t.Columns, cmdutil.Column{Header: "NAME"}, cmdutil.Column{Header: "VM-CLASSES"}, cmdutil.Column{Header: "STORAGE"},
		cmdutil.Column{Header: "TKCS"}, cmdutil.Column{Header: "VSPHERE-CLUSTER", Wide: true}, cmdutil.Column{Header: "TKC-NAMES", Wide: true})
	return t
}

func row(n tkc.Namespace) []string {
	storage := make([]string, len(n.StorageClasses))
	for i, s := range n.StorageClasses {
		storage[i] = fmt.Sprintf("%s=%s/%s", s.Class, s.Used, s.Hard)
	}
	return []string{n.Name, cmdutil.OrDash(strings.Join(n.VMClasses, ",")), cmdutil.OrDash(strings.Join(storage, ",")),
		strconv.Itoa(len(n.TKCs)), cmdutil.OrDash(n.VSphereCluster), cmdutil.OrDash(strings.Join(n.TKCs, ","))}
}

// printTable prints the rows, contexts in the order given, a failed
// context as a row with its error.
func (o *Options) printTable(report *cli.FleetReport[[]tkc.Namespace], fleetView bool) error {
	rows := table(fleetView).Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for i, r := range report.Results {
		if r.Err != nil {
			rows.Write([]string{r.Target, "", "Error: " + report.Message(i), "", "", "", ""})
			continue
		}
		for _, n := range r.Value {
			cells := row(n)
			if fleetView {
				cells = append([]string{r.Target}, cells...)
			}
			rows.Write(cells)
		}
	}
	if err := rows.Flush(); err != nil {
		return err
	}
	if rows.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No vSphere namespaces found.")
	}
	return nil
}

// completeNames completes the vSphere namespaces of the current context.
func completeNames(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		c, err := f.Connect(tkc.Requirement)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		spaces, err := tkc.Namespaces(ctx, c.Dynamic, c.Served, "")
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, n := range spaces {
			if strings.HasPrefix(n.Name, prefix) {
				out = append(out, n.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
