// Package install implements `kubectl tko package install` and the flags
// `installed update` shares with it.
package install

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags and state of `package install` (and `installed update`).
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	Name              string
	Package           string
	Version           string
	VersionConstraint string
	ValuesFile        string
	Values            []string
	ServiceAccount    string
	RBAC              string
	CreateNamespace   bool
	Clusters          []string
	AllClusters       bool
	TargetNamespace   string
	DryRun            bool
	ShowValues        bool
	Diff              bool
	Wait              bool
	Timeout           time.Duration

	// Update is set for `installed update`: the install must exist, and
	// the package and values default to the current ones.
	Update bool

	applied bool // the objects exist: a later failure (reconcile) keeps them
}

// NewCmd returns the install command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Timeout: 10 * time.Minute, RBAC: carvel.RBACClusterAdmin}
	cmd := &cobra.Command{
		Use:   "install NAME -p PACKAGE [--version VERSION | --version-constraint C] [--values-file FILE] [--values KEY=VALUE]...",
		Short: "Install a package: ServiceAccount, RBAC, values Secret and PackageInstall, validated first",
		Long: cli.LongDesc(`
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
		Example: cli.Examples(`
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
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			o.Complete(cmd)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd)
	cmd.Flags().StringVarP(&o.Package, "package", "p", "", "Package name (refName), e.g. contour.tanzu.vmware.com.")
	cmd.Flags().StringVar(&o.ServiceAccount, "service-account-name", "", "Use this existing ServiceAccount instead of creating one (and its RBAC).")
	cmd.Flags().StringVar(&o.RBAC, "rbac", o.RBAC, "RBAC for the created ServiceAccount: cluster-admin (kctrl's), namespace (a Role in the install's namespace) or none.")
	cmd.Flags().BoolVar(&o.CreateNamespace, "create-namespace", false, "Create the namespace when it does not exist.")
	cmd.Flags().StringSliceVar(&o.Clusters, "cluster", nil, "Install on these workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
	cmd.Flags().BoolVar(&o.AllClusters, "all-workload-clusters", false, "Install on every workload cluster of this management cluster (all namespaces).")
	cmd.Flags().StringVar(&o.TargetNamespace, "target-namespace", "", "With --cluster: the namespace on the workload cluster that holds the app (default: the kubeconfig's).")
	_ = cmd.RegisterFlagCompletionFunc("package", common.CompletePackages(f))
	_ = cmd.RegisterFlagCompletionFunc("rbac", cobra.FixedCompletions([]string{carvel.RBACClusterAdmin, carvel.RBACNamespace, carvel.RBACNone}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// AddFlags registers the flags install and update share.
func (o *Options) AddFlags(cmd *cobra.Command) {
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&o.Version, "version", "", "Exact package version (default: the newest; 1.26.1 names 1.26.1+vmware.1-tkg.1 when it is the only build).")
	cmd.Flags().StringVar(&o.VersionConstraint, "version-constraint", "", "Newest version within a semver constraint, kept by kapp-controller, e.g. '>=1.2.0 <2.0.0'.")
	cmd.Flags().StringVarP(&o.ValuesFile, "values-file", "f", "", "YAML file of values ('-' reads standard input).")
	cmd.Flags().StringArrayVar(&o.Values, "values", nil, "A value as KEY=VALUE (dotted keys for nested values); repeatable, applied over --values-file.")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "Validate and print what would be created or changed; the API server checks it, nothing is stored.")
	cmd.Flags().BoolVar(&o.ShowValues, "show-values", false, "With --dry-run: print the values in the Secret instead of hiding them.")
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until kapp-controller has reconciled the install (default true on a terminal).")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
}

// Complete fills in defaults that depend on the terminal.
func (o *Options) Complete(cmd *cobra.Command) {
	if !cmd.Flags().Changed("wait") {
		o.Wait = common.WaitDefault(o.Streams.ErrOut) && !o.DryRun
	}
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if !o.Update && o.Package == "" {
		return cli.FlagErrorf("--package (-p) is required: list packages with 'kubectl tko package available list'")
	}
	if o.Version != "" && o.VersionConstraint != "" {
		return cli.FlagErrorf("--version and --version-constraint are exclusive")
	}
	if o.Wait && o.DryRun {
		return cli.FlagErrorf("--wait and --dry-run cannot be used together")
	}
	if o.ShowValues && !o.DryRun {
		return cli.FlagErrorf("--show-values goes with --dry-run")
	}
	if len(o.Clusters) > 0 && o.AllClusters {
		return cli.FlagErrorf("--cluster and --all-workload-clusters are exclusive")
	}
	if o.ServiceAccount != "" && (len(o.Clusters) > 0 || o.AllClusters) {
		return cli.FlagErrorf("--service-account-name does not apply to --cluster installs: kapp-controller uses the cluster's kubeconfig Secret")
	}
	if !slices.Contains([]string{carvel.RBACClusterAdmin, carvel.RBACNamespace, carvel.RBACNone}, o.RBAC) {
		return cli.Usagef("--rbac %q: use cluster-admin, namespace or none", o.RBAC)
	}
	if o.RBAC == carvel.RBACNone && o.ServiceAccount == "" && len(o.Clusters) == 0 && !o.AllClusters {
		return cli.FlagErrorf("--rbac none needs --service-account-name: kapp-controller deploys with that ServiceAccount's permissions")
	}
	return nil
}

// Run installs (or updates) the package.
func (o *Options) Run(ctx context.Context) (retErr error) {
	c, err := common.Connect(o.Factory, true)
	if err != nil {
		return err
	}
	var current *carvel.Install
	if o.Update {
		if current, err = c.GetInstall(ctx, c.Namespace, o.Name); err != nil {
			return err
		}
		if o.Package == "" {
			o.Package = current.Spec.PackageRef.RefName
		}
	}
	values, err := o.loadValues()
	if err != nil {
		return err
	}
	if !o.Update {
		cleanup, err := o.ensureNamespace(ctx, c)
		if err != nil {
			return err
		}
		defer func() { cleanup(retErr) }()
	}
	cat, err := c.LoadCatalog(ctx, c.Namespace)
	if err != nil {
		return err
	}
	version, constraint := o.Version, o.VersionConstraint
	if o.Update && version == "" && constraint == "" {
		// Keep what the install asks for: its exact version or its constraint.
		constraint = current.Constraint()
		for _, p := range cat.Versions[o.Package] {
			if p.Spec.Version == constraint {
				version, constraint = constraint, ""
			}
		}
	}
	pkg, err := cat.Resolve(o.Package, version, constraint)
	if err != nil {
		return err
	}
	if values != nil {
		if problems := values.Validate(pkg.Spec.ValuesSchema.OpenAPIv3); len(problems) > 0 {
			return cli.Usagef("%s", (&carvel.ValuesError{Package: pkg.Name, Problems: problems}).Error())
		}
	}
	if constraint == "" {
		constraint = pkg.Spec.Version
	}
	targets, err := o.targets(ctx, c, pkg, constraint, values)
	if err != nil {
		return err
	}
	if o.Update {
		return o.runUpdate(ctx, c, current, targets[0])
	}
	return o.runInstall(ctx, c, targets)
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
	if o.DryRun {
		return noop, cli.Usagef("namespace %q does not exist and --dry-run does not create it: create it first, or run without --dry-run", c.Namespace)
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": c.Namespace}}}
	if _, err := c.Dyn.Resource(carvel.Namespaces).Create(ctx, ns, metav1.CreateOptions{FieldManager: kube.FieldManager}); err != nil {
		return noop, err
	}
	fmt.Fprintf(o.Streams.ErrOut, "namespace/%s created\n", c.Namespace)
	return func(failure error) {
		if failure == nil || o.applied {
			return
		}
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_ = c.Dyn.Resource(carvel.Namespaces).Delete(cleanup, c.Namespace, metav1.DeleteOptions{})
	}, nil
}

func (o *Options) loadValues() (*carvel.Values, error) {
	if o.ValuesFile == "" && len(o.Values) == 0 {
		return nil, nil
	}
	var raw []byte
	if o.ValuesFile != "" {
		var err error
		if raw, err = yamldoc.ReadFile(o.ValuesFile, o.Streams.In); err != nil {
			return nil, err
		}
	}
	vals, err := carvel.LoadValues(o.ValuesFile, raw, o.Values)
	var setting *carvel.SettingError
	if errors.As(err, &setting) {
		return nil, cli.Usagef("--values %q: %s", setting.Setting, setting.Reason)
	}
	return vals, err
}

// targets builds one install spec per destination: this cluster, or each
// workload cluster.
func (o *Options) targets(ctx context.Context, c *carvel.Client, pkg *carvel.Package, constraint string, values *carvel.Values) ([]*carvel.InstallSpec, error) {
	base := carvel.InstallSpec{Name: o.Name, Namespace: c.Namespace, Package: pkg, Constraint: constraint, Values: values,
		ServiceAccount: o.ServiceAccount, RBAC: o.RBAC}
	if len(o.Clusters) == 0 && !o.AllClusters {
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

// workloadClusters resolves --cluster / --all-workload-clusters to
// clusters that have a kubeconfig Secret.
func (o *Options) workloadClusters(ctx context.Context, c *carvel.Client) ([]capi.Cluster, error) {
	disc, err := o.Factory.Discovery()
	if err != nil {
		return nil, err
	}
	api, err := capi.Discover(disc)
	if err != nil {
		return nil, err
	}
	ns := c.Namespace
	if o.AllClusters {
		ns = ""
	}
	list, err := c.Dyn.Resource(api.Clusters()).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	byName := map[string]capi.Cluster{}
	var all []capi.Cluster
	for i := range list.Items {
		cl := capi.FromUnstructured(&list.Items[i])
		if cl.Role == "management" || cl.Deleting {
			continue
		}
		byName[cl.Name] = cl
		all = append(all, cl)
	}
	var picked []capi.Cluster
	if o.AllClusters {
		picked = all
	} else {
		var missing []string
		for _, name := range o.Clusters {
			cl, ok := byName[name]
			if !ok {
				missing = append(missing, name)
				continue
			}
			picked = append(picked, cl)
		}
		if len(missing) > 0 {
			return nil, &errs.NotFoundError{Kind: "workload cluster", Name: strings.Join(missing, ","), Namespace: ns, Hint: "list them with 'kubectl tko cluster list -A'"}
		}
	}
	var out []capi.Cluster
	var noKubeconfig []string
	for _, cl := range picked {
		_, err := c.Dyn.Resource(carvel.Secrets).Namespace(cl.Namespace).Get(ctx, cl.Name+"-kubeconfig", metav1.GetOptions{})
		switch {
		case err == nil:
			out = append(out, cl)
		case apierrors.IsNotFound(err):
			noKubeconfig = append(noKubeconfig, cl.Namespace+"/"+cl.Name)
		default:
			return nil, err
		}
	}
	if len(noKubeconfig) > 0 {
		if !o.AllClusters {
			return nil, fmt.Errorf("no kubeconfig Secret for %s: the cluster is not provisioned yet", strings.Join(noKubeconfig, ", "))
		}
		fmt.Fprintf(o.Streams.ErrOut, "skipping clusters without a kubeconfig Secret (not provisioned yet): %s\n", strings.Join(noKubeconfig, ", "))
	}
	if len(out) == 0 {
		return nil, &errs.NotFoundError{Kind: "workload cluster", Name: "any", Namespace: ns, Hint: "none has a kubeconfig Secret"}
	}
	return out, nil
}

func (o *Options) runInstall(ctx context.Context, c *carvel.Client, targets []*carvel.InstallSpec) error {
	type planned struct {
		spec *carvel.InstallSpec
		objs []carvel.Object
		cur  *carvel.Install
	}
	var plans []planned
	for _, spec := range targets {
		objs, err := spec.Plan()
		if err != nil {
			return err
		}
		cur, err := c.GetInstall(ctx, spec.Namespace, spec.Name)
		var nf *errs.NotFoundError
		switch {
		case errors.As(err, &nf):
			cur = nil
		case err != nil:
			return err
		case cur.Spec.PackageRef.RefName != spec.Package.Spec.RefName:
			return fmt.Errorf("package install %s/%s already exists for package %s: pick another name, or delete it first", cur.Namespace, cur.Name, cur.Spec.PackageRef.RefName)
		}
		plans = append(plans, planned{spec: spec, objs: objs, cur: cur})
	}
	if o.DryRun && !o.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, p := range plans {
			for _, obj := range p.objs {
				objs = append(objs, o.redact(obj.Obj))
			}
		}
		if err := o.Output.PrintObjects(o.Streams.Out, objs, false); err != nil {
			return err
		}
	}
	var waitFor []*carvel.InstallSpec
	for _, p := range plans {
		var result carvel.Result
		if p.cur != nil {
			up, err := c.PlanUpdate(ctx, p.cur, p.spec)
			if err != nil {
				return err
			}
			result = carvel.Unchanged
			if len(up.Changes) > 0 {
				result = carvel.Updated
				if !o.DryRun {
					if err := c.ApplyUpdate(ctx, up); err != nil {
						return err
					}
				}
			}
		} else {
			var err error
			if result, err = c.Apply(ctx, p.objs, o.DryRun); err != nil {
				return err
			}
		}
		o.report(p.spec, result)
		if p.cur != nil && p.cur.Spec.Paused {
			fmt.Fprintf(o.Streams.ErrOut, "package install %s/%s is paused: kapp-controller reconciles it once resumed ('kubectl tko package installed resume %s -n %s')\n",
				p.spec.Namespace, p.spec.Name, p.spec.Name, p.spec.Namespace)
			continue
		}
		waitFor = append(waitFor, p.spec)
	}
	o.applied = !o.DryRun
	if !o.Wait || len(waitFor) == 0 {
		return nil
	}
	return o.waitAll(ctx, c, waitFor)
}

// report prints kubectl's "kind/name verb" line, or the object with -o.
func (o *Options) report(spec *carvel.InstallSpec, result carvel.Result) {
	if o.DryRun && !o.Output.Human() {
		return
	}
	suffix := ""
	if o.DryRun {
		suffix = " (dry run)"
	}
	where := ""
	if spec.Cluster != "" {
		where = " on cluster " + spec.Cluster
	}
	fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s %s%s: %s %s in %s%s\n",
		spec.Name, result, suffix, spec.Package.Spec.RefName, spec.Package.Spec.Version, spec.Namespace, where)
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

// waitAll follows every install until it is reconciled (concurrently for
// a fleet), then reports each; any failure makes the command fail.
func (o *Options) waitAll(ctx context.Context, c *carvel.Client, specs []*carvel.InstallSpec) error {
	start := time.Now()
	errs := make([]error, len(specs))
	var wg sync.WaitGroup
	for i, s := range specs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			progress := common.WaitProgress(o.Streams.ErrOut)
			if len(specs) > 1 {
				progress = carvel.Prefixed(progress, s.Name)
			}
			_, errs[i] = c.WaitInstall(ctx, s.Namespace, s.Name, carvel.WaitOptions{Timeout: o.Timeout, Progress: progress})
		}()
	}
	wg.Wait()
	if len(specs) == 1 {
		if errs[0] != nil {
			return errs[0]
		}
		common.Reconciled(o.Streams.ErrOut, "package install "+specs[0].Namespace+"/"+specs[0].Name, start)
		return nil
	}
	failed := 0
	for i, s := range specs {
		if errs[i] != nil {
			failed++
			msg, _ := explain.Explain(errs[i])
			fmt.Fprintf(o.Streams.ErrOut, "%s/%s (cluster %s): %s\n", s.Namespace, s.Name, s.Cluster, msg)
			continue
		}
		fmt.Fprintf(o.Streams.ErrOut, "%s/%s (cluster %s): reconciled\n", s.Namespace, s.Name, s.Cluster)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d installs failed to reconcile", failed, len(specs))
	}
	return nil
}
