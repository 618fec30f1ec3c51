// Package installed implements `kubectl tko package installed`: list, get,
// status, update, delete, pause and kick of PackageInstalls.
package installed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/install"
)

// NewCmd returns the installed noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "installed",
		Aliases: []string{"installs"},
		Short:   "Inspect and change installed packages (PackageInstalls)",
		Example: cli.Examples(`
			# Every install, with its state
			kubectl tko package installed list -A

			# Why an install failed: kapp-controller's full error and each stage
			kubectl tko package installed status prometheus -n tanzu-packages`),
	}
	cmd.AddCommand(newCmdList(f, streams), newCmdGet(f, streams), newCmdStatus(f, streams), install.NewCmdUpdate(f, streams),
		newCmdDelete(f, streams), newCmdPause(f, streams, true), newCmdPause(f, streams, false), newCmdKick(f, streams))
	return cmd
}

// ListOptions holds the flags of `installed list`.
type ListOptions struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	AllNamespaces bool
	Clusters      []string
}

func newCmdList(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &ListOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "list [-A] [--cluster C,...]",
		Aliases: []string{"ls"},
		Short:   "List package installs with their version and state",
		Long: cli.LongDesc(`
			List PackageInstalls: package, installed version, state (ReconcileSucceeded,
			ReconcileFailed, Reconciling, Paused, Deleting) and, with -o wide, the first
			line of kapp-controller's error. Installs made with --cluster show the
			workload cluster they target; --cluster filters on it.`),
		Example: cli.Examples(`
			kubectl tko package installed list -A
			kubectl tko package installed list -A --cluster wc-prod-1,wc-dev-1
			kubectl tko package installed list -n tanzu-packages -o wide`),
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List installs in all namespaces.")
	cmd.Flags().StringSliceVar(&o.Clusters, "cluster", nil, "Only installs that target these workload clusters.")
	return cmd
}

// Run lists the installs.
func (o *ListOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	ns := c.Namespace
	if o.AllNamespaces {
		ns = ""
	}
	all, err := c.ListInstalls(ctx, ns)
	if err != nil {
		return err
	}
	var installs []*carvel.Install
	remote := false
	for _, in := range all {
		if len(o.Clusters) > 0 && !slices.Contains(o.Clusters, in.Cluster()) {
			continue
		}
		remote = remote || in.Cluster() != ""
		installs = append(installs, in)
	}
	if !o.Output.Human() {
		objs := make([]*unstructured.Unstructured, 0, len(installs))
		for _, in := range installs {
			objs = append(objs, in.Object)
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, false)
	}
	if len(installs) == 0 {
		where := "in namespace " + c.Namespace
		if o.AllNamespaces {
			where = "in any namespace"
		}
		fmt.Fprintf(o.Streams.ErrOut, "No package installs found %s.\n", where)
		return nil
	}
	t := cli.Table{Columns: []cli.Column{
		{Header: "NAMESPACE", Hidden: !o.AllNamespaces}, {Header: "NAME"}, {Header: "CLUSTER", Hidden: !remote},
		{Header: "PACKAGE"}, {Header: "VERSION"}, {Header: "STATUS"}, {Header: "AGE"},
		{Header: "SERVICE-ACCOUNT", Wide: true}, {Header: "MESSAGE", Wide: true},
	}}
	for _, in := range installs {
		t.Rows = append(t.Rows, []string{in.Namespace, in.Name, common.OrDash(in.Cluster()), in.Spec.PackageRef.RefName, in.Version(), in.State(), common.Age(in.Object),
			common.OrDash(in.Spec.ServiceAccountName), common.OrDash(carvel.Headline(in.Status.UsefulErrorMessage))})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// GetOptions holds the flags of `installed get` and `installed status`.
type GetOptions struct {
	Factory    *cli.Factory
	Streams    genericiooptions.IOStreams
	Output     *cli.OutputFlags
	Name       string
	ShowValues bool
	Status     bool
}

func newCmdGet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &GetOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "get NAME [--values]",
		Aliases: []string{"describe"},
		Short:   "Show one install: package, versions, state, values Secret and the full error",
		Long: cli.LongDesc(`
			Show an install: its package and versions, state and conditions, the objects
			created for it, and kapp-controller's useful error message in full. Values
			stay in their Secret unless --values asks for them.`),
		Example: cli.Examples(`
			kubectl tko package installed get contour -n tanzu-packages
			kubectl tko package installed get contour -n tanzu-packages --values > contour-values.yaml
			kubectl tko package installed get contour -o jsonpath='{.status.version}'`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.ShowValues, "values", false, "Print the install's values (YAML) instead of the summary.")
	return cmd
}

func newCmdStatus(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &GetOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Status: true}
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show how kapp-controller's last reconcile went: fetch, template and deploy, in full",
		Long: cli.LongDesc(`
			Show the App behind an install: each stage of the last reconcile (fetch,
			template, deploy) with its exit code and its full error output, never
			truncated. -o prints the App object.`),
		Example: cli.Examples(`
			kubectl tko package installed status prometheus -n tanzu-packages`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run shows the install.
func (o *GetOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	in, err := c.GetInstall(ctx, c.Namespace, o.Name)
	if err != nil {
		return err
	}
	if o.ShowValues {
		_, text, err := c.ReadValues(ctx, in)
		if err != nil {
			return err
		}
		_, err = io.WriteString(o.Streams.Out, text)
		return err
	}
	app, err := c.GetApp(ctx, in.Namespace, in.Name)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		obj := in.Object
		if o.Status {
			if app == nil {
				return fmt.Errorf("package install %s/%s has no App yet: kapp-controller has not reconciled it", in.Namespace, in.Name)
			}
			obj = app.Object
		}
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{obj}, true)
	}
	w := o.Streams.Out
	if !o.Status {
		printInstall(w, in)
	} else {
		fmt.Fprintf(w, "%s/%s: %s\n", in.Namespace, in.Name, in.State())
	}
	if app != nil {
		printStages(w, app, o.Status)
	}
	common.PrintError(w, in.Status.UsefulErrorMessage)
	return nil
}

func printInstall(w io.Writer, in *carvel.Install) {
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-17s %s\n", k+":", v)
		}
	}
	row("Name", in.Name)
	row("Namespace", in.Namespace)
	row("Package", in.Spec.PackageRef.RefName)
	row("Version", in.Status.Version)
	row("Asked for", in.Constraint())
	if in.Status.LastAttemptedVersion != "" && in.Status.LastAttemptedVersion != in.Status.Version {
		row("Last attempted", in.Status.LastAttemptedVersion)
	}
	row("Status", in.State())
	row("Description", in.Status.FriendlyDescription)
	if cl := in.Cluster(); cl != "" {
		target := in.Spec.Cluster.KubeconfigSecretRef.Name
		if in.Spec.Cluster.Namespace != "" {
			target += ", namespace " + in.Spec.Cluster.Namespace
		}
		row("Cluster", cl+" (kubeconfig Secret "+target+")")
	}
	row("Service account", in.Spec.ServiceAccountName)
	if s := in.ValuesSecrets(); len(s) > 0 {
		row("Values", "Secret "+strings.Join(s, ", ")+" (print with --values)")
	}
	owned := carvel.Owned(in)
	if len(owned) > 0 {
		names := make([]string, 0, len(owned))
		for _, o := range owned {
			names = append(names, o.String())
		}
		row("Created for it", strings.Join(names, ", "))
	}
	common.PrintConditions(w, in.Status.Conditions)
}

func printStages(w io.Writer, app *carvel.App, full bool) {
	stages := []struct {
		name string
		r    *carvel.StageResult
	}{{"Fetch", app.Status.Fetch}, {"Template", app.Status.Template}, {"Deploy", app.Status.Deploy}}
	fmt.Fprintln(w, "Stages:")
	for _, st := range stages {
		if st.r == nil {
			fmt.Fprintf(w, "  %-9s not run\n", st.name)
			continue
		}
		state := "ok"
		if st.r.ExitCode != 0 || st.r.Error != "" {
			state = fmt.Sprintf("failed (exit code %d)", st.r.ExitCode)
		}
		fmt.Fprintf(w, "  %-9s %s  %s\n", st.name, state, st.r.UpdatedAt)
		if !full {
			continue
		}
		for _, part := range []struct{ label, text string }{{"error", st.r.Error}, {"stderr", st.r.Stderr}, {"stdout", st.r.Stdout}} {
			if t := strings.TrimSpace(part.text); t != "" && (part.label != "stdout" || st.name == "Deploy") {
				fmt.Fprintf(w, "    %s:\n      %s\n", part.label, strings.ReplaceAll(t, "\n", "\n      "))
			}
		}
	}
}

// DeleteOptions holds the flags of `installed delete`.
type DeleteOptions struct {
	Factory     *cli.Factory
	Streams     genericiooptions.IOStreams
	Names       []string
	Yes         bool
	DryRun      bool
	Timeout     time.Duration
	Clusters    []string
	AllClusters bool
}

func newCmdDelete(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &DeleteOptions{Factory: f, Streams: streams, Timeout: 10 * time.Minute}
	cmd := &cobra.Command{
		Use:   "delete NAME...",
		Short: "Uninstall: delete the PackageInstall, then its ServiceAccount, RBAC and values Secret",
		Long: cli.LongDesc(`
			Uninstall packages. The PackageInstall is deleted first and followed by watch
			until kapp-controller has removed what it deployed (it needs the install's
			ServiceAccount for that); then the ServiceAccount, RBAC and values Secret
			created for it (by this plugin, kctrl or the tanzu CLI) are deleted. On a
			terminal it asks for confirmation; from a script it needs --yes. Rerunning
			after an interruption finishes the job.`),
		Example: cli.Examples(`
			kubectl tko package installed delete contour -n tanzu-packages --yes

			# Remove a fleet rollout from every workload cluster
			kubectl tko package installed delete fluent-bit --all-workload-clusters --yes`),
		Args:              cli.MinArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Names = args
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVarP(&o.Yes, "yes", "y", false, "Do not ask for confirmation.")
	cmd.Flags().BoolVar(&o.DryRun, "dry-run", false, "List what would be deleted.")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long to wait for kapp-controller to remove the install.")
	cmd.Flags().StringSliceVar(&o.Clusters, "cluster", nil, "Delete the installs NAME made with 'install --cluster' on these workload clusters.")
	cmd.Flags().BoolVar(&o.AllClusters, "all-workload-clusters", false, "Delete the installs NAME made with 'install --cluster' on every workload cluster.")
	return cmd
}

// Run deletes the installs.
func (o *DeleteOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	if len(o.Clusters) > 0 && o.AllClusters {
		return cli.FlagErrorf("--cluster and --all-workload-clusters are exclusive")
	}
	installs := make([]*carvel.Install, 0, len(o.Names))
	leftovers := map[string][]carvel.Object{}
	fleet := len(o.Clusters) > 0 || o.AllClusters
	if fleet {
		if installs, err = o.fleetInstalls(ctx, c); err != nil {
			return err
		}
	}
	names := o.Names
	if fleet {
		names = nil // found by their labels above
	}
	for _, name := range names {
		in, err := c.GetInstall(ctx, c.Namespace, name)
		var nf *errs.NotFoundError
		if errors.As(err, &nf) {
			// A delete interrupted after the PackageInstall went: finish it.
			left, lerr := c.Leftovers(ctx, c.Namespace, name)
			if lerr != nil {
				return lerr
			}
			if len(left) > 0 {
				leftovers[name] = left
				continue
			}
		}
		if err != nil {
			return err // nothing deleted yet: every name is checked first
		}
		installs = append(installs, in)
	}
	if o.DryRun {
		for _, in := range installs {
			fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s would be deleted (dry run)\n", in.Name)
			for _, obj := range carvel.Owned(in) {
				fmt.Fprintf(o.Streams.Out, "  %s would be deleted\n", obj)
			}
		}
		for name, left := range leftovers {
			for _, obj := range left {
				fmt.Fprintf(o.Streams.Out, "%s (left from install %s) would be deleted (dry run)\n", obj, name)
			}
		}
		return nil
	}
	if !o.Yes {
		if err := cli.Confirm(o.Streams.In, o.Streams.ErrOut,
			fmt.Sprintf("refusing to delete %s without --yes: standard input is not a terminal", strings.Join(o.Names, ", ")),
			fmt.Sprintf("Delete package install(s) %s and everything they deployed?", strings.Join(installNames(installs, leftovers), ", "))); err != nil {
			return err
		}
	}
	for _, in := range installs {
		if err := c.DeleteInstall(ctx, in, carvel.WaitOptions{Timeout: o.Timeout, Progress: common.WaitProgress(o.Streams.ErrOut)}); err != nil {
			return err
		}
		fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s deleted\n", in.Name)
		for _, obj := range carvel.Owned(in) {
			fmt.Fprintf(o.Streams.Out, "  %s deleted\n", obj)
		}
	}
	for name, left := range leftovers {
		if err := c.DeleteOwned(ctx, left); err != nil {
			return err
		}
		for _, obj := range left {
			fmt.Fprintf(o.Streams.Out, "%s (left from install %s) deleted\n", obj, name)
		}
	}
	return nil
}

func installNames(installs []*carvel.Install, leftovers map[string][]carvel.Object) []string {
	var out []string
	for _, in := range installs {
		out = append(out, in.Namespace+"/"+in.Name)
	}
	for name := range leftovers {
		out = append(out, name+" (leftovers)")
	}
	return out
}

// fleetInstalls finds the PackageInstalls a fleet rollout made for each
// NAME (labelled with the install name and the cluster), in every namespace.
func (o *DeleteOptions) fleetInstalls(ctx context.Context, c *carvel.Client) ([]*carvel.Install, error) {
	all, err := c.ListInstalls(ctx, "")
	if err != nil {
		return nil, err
	}
	var out []*carvel.Install
	for _, name := range o.Names {
		found := map[string]bool{}
		for _, in := range all {
			cluster := in.Object.GetLabels()[kube.LabelCluster]
			if in.Object.GetLabels()[kube.LabelInstall] != name || cluster == "" {
				continue
			}
			if o.AllClusters || slices.Contains(o.Clusters, cluster) {
				out = append(out, in)
				found[cluster] = true
			}
		}
		var missing []string
		for _, cl := range o.Clusters {
			if !found[cl] {
				missing = append(missing, cl)
			}
		}
		if len(missing) > 0 || len(found) == 0 {
			where := "any workload cluster"
			if len(missing) > 0 {
				where = "cluster(s) " + strings.Join(missing, ", ")
			}
			return nil, &errs.NotFoundError{Kind: "fleet install", Name: name, Hint: "none on " + where + "; list them with 'kubectl tko package installed list -A --cluster ...'"}
		}
	}
	return out, nil
}

// PauseOptions holds the flags of pause, resume and kick.
type PauseOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Name    string
	Paused  bool
	Kick    bool
	Wait    bool
	Timeout time.Duration
}

func newCmdPause(f *cli.Factory, streams genericiooptions.IOStreams, paused bool) *cobra.Command {
	o := &PauseOptions{Factory: f, Streams: streams, Paused: paused}
	use, short := "pause NAME", "Stop kapp-controller from reconciling an install"
	example := "kubectl tko package installed pause contour -n tanzu-packages"
	if !paused {
		use, short = "resume NAME", "Let kapp-controller reconcile a paused install again"
		example = "kubectl tko package installed resume contour -n tanzu-packages"
	}
	cmd := &cobra.Command{
		Use: use, Short: short, Example: cli.Examples(example),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			return o.Run(cmd.Context())
		},
	}
	return cmd
}

func newCmdKick(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &PauseOptions{Factory: f, Streams: streams, Kick: true, Timeout: 10 * time.Minute}
	cmd := &cobra.Command{
		Use:   "kick NAME",
		Short: "Make kapp-controller reconcile an install now",
		Long: cli.LongDesc(`
			Reconcile an install now instead of at its next sync period (or after a
			failure's back-off): it is paused and resumed, which gives it a new
			generation, as kctrl's kick does.`),
		Example: cli.Examples(`
			kubectl tko package installed kick prometheus -n tanzu-packages --wait`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			if !cmd.Flags().Changed("wait") {
				o.Wait = common.WaitDefault(streams.ErrOut)
			}
			return o.Run(cmd.Context())
		},
	}
	cmd.Flags().BoolVar(&o.Wait, "wait", false, "Wait until the install is reconciled again (default true on a terminal).")
	cmd.Flags().DurationVar(&o.Timeout, "timeout", o.Timeout, "How long --wait waits.")
	return cmd
}

// Run pauses, resumes or kicks.
func (o *PauseOptions) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	if _, err := c.GetInstall(ctx, c.Namespace, o.Name); err != nil {
		return err
	}
	if !o.Kick {
		if err := c.SetPaused(ctx, carvel.Installs, c.Namespace, o.Name, o.Paused); err != nil {
			return err
		}
		verb := "paused"
		if !o.Paused {
			verb = "resumed"
		}
		fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s %s\n", o.Name, verb)
		return nil
	}
	start := time.Now()
	if err := c.Kick(ctx, carvel.Installs, c.Namespace, o.Name); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s kicked\n", o.Name)
	if !o.Wait {
		return nil
	}
	if _, err := c.WaitInstall(ctx, c.Namespace, o.Name, carvel.WaitOptions{Timeout: o.Timeout, Progress: common.WaitProgress(o.Streams.ErrOut)}); err != nil {
		return err
	}
	common.Reconciled(o.Streams.ErrOut, "package install "+c.Namespace+"/"+o.Name, start)
	return nil
}
