// Package install implements `kubectl tko package install`, and the
// Request `installed update` shares with it.
package install

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags and state of `package install`.
type Options struct {
	Request

	ServiceAccount  string
	RBAC            string
	CreateNamespace bool
	Fleet           *cli.FleetFlags
	TargetNamespace string

	sel fleet.Selection

	applied bool // the objects exist: a later failure (reconcile) keeps them
}

// NewCmd returns the install command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Request: NewRequest(streams), RBAC: carvel.RBACClusterAdmin, Fleet: cli.NewFleetFlags()}
	cmd := &cobra.Command{
		Use:   "install NAME -p PACKAGE [--version VERSION | --version-constraint C] [--values-file FILE] [--values KEY=VALUE]...",
		Short: "Install a package: ServiceAccount, RBAC, values Secret and PackageInstall, validated first",
		Long: cmdutil.LongDesc(`
			Install a Carvel package with kapp-controller. Before anything is created the
			package and version are resolved and the values are checked against the
			package's values schema: unknown keys (with the closest known one), wrong
			types and enum violations are all listed with their file lines.

			The install creates a ServiceAccount and its RBAC (--rbac cluster-admin, the
			kctrl default; namespace, a Role limited to the install's namespace; or none
			with --service-account-name), a Secret with the values, and the
			PackageInstall, with the names and annotations kctrl and the tanzu CLI use,
			so they recognise the install. If a step fails, what was created is removed;
			rerunning converges (an existing install of the same package is updated).

			--wait (the default on a terminal) follows the PackageInstall and its App by
			watch and returns as soon as ReconcileSucceeded holds at the current
			generation; on ReconcileFailed it prints kapp-controller's full error and
			exits 1.

			On a management cluster, --cluster or --all-workload-clusters install on
			workload clusters instead: one PackageInstall per cluster, in the cluster's
			namespace, reconciled by kapp-controller through the cluster's kubeconfig
			Secret (spec.cluster.kubeconfigSecretRef).`),
		Example: cmdutil.Examples(`
			# Install Contour with values, and wait until it is reconciled
			kubectl tko package install contour -p contour.tanzu.vmware.com -n tanzu-packages --values-file contour.yaml --wait

			# Newest 1.x of cert-manager
			kubectl tko package install cert-manager -p cert-manager.tanzu.vmware.com --version-constraint '>=1.0.0 <2.0.0' -n tanzu-packages

			# One value on the command line, values from standard input
			kubectl tko package install contour -p contour.tanzu.vmware.com --values-file - --values contour.replicas=3 < contour.yaml

			# What would be created (values hidden unless --show-values)
			kubectl tko package install contour -p contour.tanzu.vmware.com --dry-run -o yaml

			# Fluent Bit on two workload clusters, from the management cluster
			kubectl tko package install fluent-bit -p fluent-bit.tanzu.vmware.com --cluster wc-1,wc-2`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "Validate and print what would be created or changed; the API server checks it (client and server alike), nothing is stored.")
	cmd.Flags().StringVarP(&o.Package, "package", "p", "", "Package name (refName), e.g. contour.tanzu.vmware.com.")
	cmd.Flags().StringVar(&o.ServiceAccount, "service-account-name", "", "Use this existing ServiceAccount instead of creating one (and its RBAC).")
	cmd.Flags().StringVar(&o.RBAC, "rbac", o.RBAC, "RBAC for the created ServiceAccount: cluster-admin (kctrl's), namespace (a Role in the install's namespace) or none.")
	cmd.Flags().BoolVar(&o.CreateNamespace, "create-namespace", false, "Create the namespace when it does not exist.")
	o.Fleet.AddClusterFlags(cmd, "Install on these workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
	cmd.Flags().StringVar(&o.TargetNamespace, "target-namespace", "", "With --cluster: the namespace on the workload cluster that holds the app (default: the kubeconfig's).")
	_ = cmd.RegisterFlagCompletionFunc("package", common.CompletePackages(f))
	cmdutil.CompleteValues(cmd, "rbac", carvel.RBACClusterAdmin, carvel.RBACNamespace, carvel.RBACNone)
	return cmd
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if o.Package == "" {
		return cmdutil.FlagErrorf("--package (-p) is required: list packages with 'kubectl tko package available list'")
	}
	if err := o.Request.Validate(); err != nil {
		return err
	}
	sel, err := o.Fleet.Selection(o.Factory)
	if err != nil {
		return err
	}
	o.sel = sel
	if o.ServiceAccount != "" && sel.WorkloadFleet() {
		return cmdutil.FlagErrorf("--service-account-name does not apply to --cluster installs: kapp-controller uses the cluster's kubeconfig Secret")
	}
	if !slices.Contains([]string{carvel.RBACClusterAdmin, carvel.RBACNamespace, carvel.RBACNone}, o.RBAC) {
		return cmdutil.Usagef("--rbac %q: use cluster-admin, namespace or none", o.RBAC)
	}
	if o.RBAC == carvel.RBACNone && o.ServiceAccount == "" && !sel.WorkloadFleet() {
		return cmdutil.FlagErrorf("--rbac none needs --service-account-name: kapp-controller deploys with that ServiceAccount's permissions")
	}
	return nil
}

// Run installs the package: a plan of one install (one per workload
// cluster for a fleet) applied by the same engine as `package apply`.
func (o *Options) Run(ctx context.Context) (retErr error) {
	c, err := common.Connect(o.Factory, true)
	if err != nil {
		return err
	}
	values, err := o.LoadValues()
	if err != nil {
		return err
	}
	cleanup, err := o.ensureNamespace(ctx, c)
	if err != nil {
		return err
	}
	defer func() { cleanup(retErr) }()
	cat, err := c.LoadCatalog(ctx, c.Namespace)
	if err != nil {
		return err
	}
	pkg, constraint, err := o.Resolve(cat, o.Version, o.VersionConstraint, values)
	if err != nil {
		return err
	}
	targets, err := o.targets(ctx, c, pkg, constraint, values)
	if err != nil {
		return err
	}
	plan := &carvel.StackPlan{}
	for _, spec := range targets {
		cur, err := c.CurrentInstall(ctx, spec.Namespace, spec.Name)
		if err != nil {
			return err
		}
		step, err := c.PlanStep(ctx, spec, cur)
		if err != nil {
			return err
		}
		plan.Steps = append(plan.Steps, step)
	}
	if o.DryRun.Any() && !o.Output.Human() {
		if err := o.printObjects(plan); err != nil {
			return err
		}
	}
	var printErr error
	err = o.Apply(ctx, c, plan, func(s carvel.StackStep) {
		o.applied = !o.DryRun.Any()
		if perr := o.report(s); perr != nil && printErr == nil {
			printErr = perr
		}
	})
	return errors.Join(err, printErr)
}

// ensureNamespace checks the install's namespace exists, creating it with
// --create-namespace; the returned cleanup removes a namespace created here
// when the install then fails, so a failed install leaves nothing behind.
func (o *Options) ensureNamespace(ctx context.Context, c *carvel.Client) (func(error), error) {
	noop := func(error) {}
	err := c.CheckNamespace(ctx, c.Namespace)
	var nf *errs.NotFoundError
	if err == nil || !errors.As(err, &nf) || !o.CreateNamespace {
		return noop, err
	}
	if o.DryRun.Any() {
		return noop, cmdutil.Usagef("namespace %q does not exist and --dry-run does not create it: create it first, or run without --dry-run", c.Namespace)
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": c.Namespace}}}
	if _, err := c.Dyn.Resource(carvel.Namespaces).Create(ctx, ns, metav1.CreateOptions{FieldManager: kube.FieldManager}); err != nil {
		return noop, err
	}
	if err := cli.PrintAction(o.Streams.ErrOut, ns, "created", false); err != nil {
		return noop, err
	}
	return func(failure error) {
		if failure == nil || o.applied {
			return
		}
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = c.Dyn.Resource(carvel.Namespaces).Delete(cleanup, c.Namespace, metav1.DeleteOptions{})
	}, nil
}

// targets builds one install spec per destination: this cluster, or each
// workload cluster.
func (o *Options) targets(ctx context.Context, c *carvel.Client, pkg *carvel.Package, constraint string, values *carvel.Values) ([]*carvel.InstallSpec, error) {
	base := carvel.InstallSpec{Name: o.Name, Namespace: c.Namespace, Package: pkg, Constraint: constraint, Values: values,
		ServiceAccount: o.ServiceAccount, RBAC: o.RBAC}
	if !o.sel.WorkloadFleet() {
		return []*carvel.InstallSpec{&base}, nil
	}
	clusters, err := o.workloadClusters(ctx, c)
	if err != nil {
		return nil, err
	}
	out := make([]*carvel.InstallSpec, 0, len(clusters))
	for _, cl := range clusters {
		spec := base
		spec.Name, spec.Namespace = cl.Name+"-"+o.Name, cl.Namespace
		spec.Cluster, spec.TargetNamespace = cl.Name, o.TargetNamespace
		spec.Labels = map[string]string{kube.LabelInstall: o.Name, kube.LabelCluster: cl.Name}
		out = append(out, &spec)
	}
	return out, nil
}

// workloadClusters resolves the fleet flags to workload clusters that have
// a kubeconfig Secret.
func (o *Options) workloadClusters(ctx context.Context, c *carvel.Client) ([]capi.Cluster, error) {
	disc, err := o.Factory.Discovery()
	if err != nil {
		return nil, err
	}
	api, err := capi.Discover(disc)
	if err != nil {
		return nil, err
	}
	clusters, note, err := fleet.Targets(ctx, c.Dyn, api, c.Namespace, o.sel)
	if note != "" {
		fmt.Fprintln(o.Streams.ErrOut, note)
	}
	return clusters, err
}

// printObjects prints, for --dry-run -o, every object the plan would create.
func (o *Options) printObjects(plan *carvel.StackPlan) error {
	var objs []*unstructured.Unstructured
	for _, s := range plan.Steps {
		planned, err := s.Spec.Plan()
		if err != nil {
			return err
		}
		for _, obj := range planned {
			objs = append(objs, o.redact(obj.Obj))
		}
	}
	return o.Output.PrintObjects(o.Streams.Out, objs, false)
}

// report prints kubectl's "kind/name verb" line of an applied install,
// with its package, version and where it went (not with --dry-run -o,
// which printed the objects).
func (o *Options) report(s carvel.StackStep) error {
	if o.DryRun.Any() && !o.Output.Human() {
		return nil
	}
	where := ""
	if s.Spec.Cluster != "" {
		where = " on cluster " + s.Spec.Cluster
	}
	verb := fmt.Sprintf("%s: %s %s in %s%s", s.Action, s.Package, s.Version, s.Namespace, where)
	return cli.PrintAction(o.Streams.Out, common.Ref("PackageInstall", s.Name), verb, o.DryRun.Any())
}

// redact hides the values of a dry-run Secret unless --show-values.
func (o *Options) redact(u *unstructured.Unstructured) *unstructured.Unstructured {
	if o.ShowValues || u.GetKind() != "Secret" {
		return u
	}
	out := u.DeepCopy()
	data, _, _ := unstructured.NestedStringMap(out.Object, "stringData")
	for k := range data {
		data[k] = "<hidden: pass --show-values to print>"
	}
	_ = unstructured.SetNestedStringMap(out.Object, data, "stringData")
	return out
}
