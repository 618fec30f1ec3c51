// Package common holds what the `kubectl tko cluster backup` and `restore`
// verbs share: Velero's namespace, the connection, completion of names,
// --wait and --dry-run, and the fleet rows of the verbs that run on many
// clusters.
package common

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// ExcludedNote is said in the help of every verb that backs up.
var ExcludedNote = "Namespaces " + strings.Join(backup.Excluded, ", ") + " are never backed up (as Tanzu Mission Control's data protection): they are excluded from every backup and refused in --include-namespaces."

// Base is what every verb has: the factory, streams, -o and Velero's
// namespace.
type Base struct {
	Factory         *cli.Factory
	Streams         genericiooptions.IOStreams
	Output          *cli.OutputFlags
	VeleroNamespace string
}

// NewBase returns the shared options.
func NewBase(f *cli.Factory, streams genericiooptions.IOStreams) Base {
	return Base{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), VeleroNamespace: backup.DefaultNamespace}
}

// AddFlags registers --velero-namespace and -o.
func (b *Base) AddFlags(cmd *cobra.Command) {
	AddNamespaceFlag(cmd, &b.VeleroNamespace)
	b.Output.AddFlags(cmd)
}

// AddNamespaceFlag registers --velero-namespace.
func AddNamespaceFlag(cmd *cobra.Command, ns *string) {
	cmd.Flags().StringVar(ns, "velero-namespace", *ns, "The namespace Velero runs in and keeps its objects in.")
}

// Validate checks -o.
func (b *Base) Validate() error { return b.Output.Validate() }

// Connect connects to the current cluster and checks that it serves Velero.
func (b *Base) Connect() (*kube.Clients, error) { return b.Factory.Connect(backup.Requirement) }

// Print prints objects: -o formats through the printers, else "kind/name verb".
func (b *Base) Print(u *unstructured.Unstructured, verb string, dryRun bool) error {
	if b.Output.Format() == "" {
		return cli.PrintAction(b.Streams.Out, u, verb, dryRun)
	}
	return b.Output.PrintObjects(b.Streams.Out, []*unstructured.Unstructured{u}, true)
}

// CompleteNames completes the names of a Velero resource in the namespace
// --velero-namespace names (the first argument only).
func CompleteNames(f *cli.Factory, gvr schema.GroupVersionResource) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return cli.CompleteNamesIn(cmd.Context(), f, gvr, namespaceOf(cmd), prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteFlag completes a flag that names a Velero object.
func CompleteFlag(cmd *cobra.Command, f *cli.Factory, flag string, gvr schema.GroupVersionResource) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return cli.CompleteNamesIn(cmd.Context(), f, gvr, namespaceOf(cmd), prefix), cobra.ShellCompDirectiveNoFileComp
	})
}

func namespaceOf(cmd *cobra.Command) string {
	if fl := cmd.Flags().Lookup("velero-namespace"); fl != nil {
		return fl.Value.String()
	}
	return backup.DefaultNamespace
}

// DryRun is --dry-run: "", client or server.
type DryRun string

// AddDryRunFlag registers --dry-run.
func AddDryRunFlag(cmd *cobra.Command, d *DryRun) {
	cmd.Flags().StringVar((*string)(d), "dry-run", "", "Print instead of storing: client (default when given) or server (also checked by the API server and Velero's CRD).")
	cmd.Flags().Lookup("dry-run").NoOptDefVal = "client"
}

// Validate refuses other values.
func (d DryRun) Validate() error {
	switch d {
	case "", "client", "server":
		return nil
	}
	return cmdutil.FlagErrorf("--dry-run must be client or server, not %q", string(d))
}

// Client reports --dry-run=client: nothing is sent.
func (d DryRun) Client() bool { return d == "client" }

// Server reports --dry-run=server.
func (d DryRun) Server() bool { return d == "server" }

// Any reports either.
func (d DryRun) Any() bool { return d != "" }

// Wait is --wait and --timeout of the verbs that start a backup or restore.
type Wait struct {
	Wait    bool
	Timeout time.Duration
}

// AddFlags registers --wait and --timeout.
func (w *Wait) AddFlags(cmd *cobra.Command, what string) {
	w.Timeout = 30 * time.Minute
	cmd.Flags().BoolVar(&w.Wait, "wait", false, "Watch the "+what+" until Velero ends it: Completed (exit 0), PartiallyFailed or Failed (exit 1, with Velero's reasons).")
	cmd.Flags().DurationVar(&w.Timeout, "timeout", w.Timeout, "How long --wait waits (exit 4 when it runs out; Velero goes on, and a rerun waits again).")
}

// Validate checks the timeout.
func (w Wait) Validate() error {
	if w.Timeout < 0 {
		return cmdutil.FlagErrorf("--timeout cannot be negative")
	}
	return nil
}

// For watches a backup or restore until Velero ends it. When the wait
// stops first (timeout, Ctrl-C), the error says the object goes on and
// how to follow it; progress lines go to a terminal's stderr only.
func (w Wait) For(ctx context.Context, c *kube.Clients, u *unstructured.Unstructured, errOut io.Writer, follow string) (backup.Outcome, error) {
	var progress io.Writer
	if cmdutil.IsTerminal(errOut) {
		progress = errOut
	}
	last, err := wait.For(ctx, backup.WaitSpec(c.Dynamic, u, w.Timeout, progress))
	if err != nil {
		return backup.Outcome{}, wait.GoesOn(err, fmt.Sprintf("%s %s goes on in Velero (follow it: %s)", strings.ToLower(u.GetKind()), u.GetName(), follow))
	}
	o := backup.OutcomeOf(last)
	return o, o.Err()
}

// Row is one cluster's backup or restore in a fleet run.
type Row struct {
	Cluster  string `json:"cluster,omitempty"`
	Name     string `json:"name"`
	Phase    string `json:"phase,omitempty"`
	Items    int64  `json:"items,omitempty"`
	Total    int64  `json:"total,omitempty"`
	Errors   int64  `json:"errors,omitempty"`
	Warnings int64  `json:"warnings,omitempty"`
	Error    string `json:"error,omitempty"`
}

// RowOf fills a row from an outcome.
func RowOf(o backup.Outcome) Row {
	return Row{Name: o.Name, Phase: o.Phase, Items: o.Items, Total: o.Total, Errors: o.Errors, Warnings: o.Warnings}
}

// PrintRows prints a fleet run's rows and says whether any failed (an
// unreachable cluster, or a backup that did not complete).
func (b *Base) PrintRows(results []fleet.Result[Row]) (failed bool, err error) {
	rows := make([]Row, len(results))
	for i, r := range results {
		rows[i] = r.Value
		rows[i].Cluster = r.Target
		if r.Err != nil {
			rows[i].Error = explain.Message(r.Err)
		}
		failed = failed || rows[i].Error != ""
	}
	if !b.Output.Human() {
		return failed, b.Output.PrintData(b.Streams.Out, rows)
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER"}, {Header: "NAME"}, {Header: "PHASE"}, {Header: "ITEMS"}, {Header: "ERRORS"}, {Header: "WARNINGS"}, {Header: "MESSAGE"}}}
	w := t.Writer(b.Streams.Out, b.Output.Wide(), b.Output.NoHeaders)
	for _, r := range rows {
		items := "-"
		if r.Total > 0 {
			items = fmt.Sprintf("%d/%d", r.Items, r.Total)
		}
		w.Write([]string{r.Cluster, r.Name, cmdutil.OrDash(r.Phase), items, strconv.FormatInt(r.Errors, 10), strconv.FormatInt(r.Warnings, 10), cmdutil.OrDash(r.Error)})
	}
	return failed, w.Flush()
}

// Strict turns failed fleet rows into exit 1 with --strict.
func Strict(failed bool, sel fleet.Selection) error {
	if failed && sel.Strict {
		return &explain.SilentError{Code: explain.ExitFailure}
	}
	return nil
}

// Fleet reports whether a selection runs on more than the current cluster.
func Fleet(sel fleet.Selection) bool { return sel.ContextFleet() || sel.WorkloadFleet() }

// AddFleetFlags registers the shared fleet flags of a verb that runs on
// each selected cluster.
func AddFleetFlags(cmd *cobra.Command, ff *cli.FleetFlags, what string) {
	ff.AddContextFlags(cmd, "")
	ff.AddClusterFlags(cmd, what+" on these workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Requirements of every verb.
var Requirements = []kube.Requirement{backup.Requirement}

// Scope is the flags that say what a backup covers (backup create and
// schedule create).
type Scope struct{ opts backup.ScopeOptions }

// AddFlags registers the scope flags.
func (s *Scope) AddFlags(cmd *cobra.Command, f *cli.Factory) {
	cmd.Flags().StringSliceVar(&s.opts.IncludeNamespaces, "include-namespaces", nil, "Back up these namespaces only (comma-separated); none for the full cluster.")
	cmd.Flags().StringSliceVar(&s.opts.ExcludeNamespaces, "exclude-namespaces", nil, "Namespaces left out besides the ones always excluded.")
	cmd.Flags().StringVarP(&s.opts.Selector, "selector", "l", "", "Back up only the objects this label selector picks (e.g. app=shop).")
	cmd.Flags().DurationVar(&s.opts.TTL, "ttl", 0, "How long Velero keeps the backup (default: Velero's, 720h).")
	cmd.Flags().StringVar(&s.opts.Location, "storage-location", "", "The backup storage location (default: Velero's default location).")
	CompleteFlag(cmd, f, "storage-location", backup.Locations)
	_ = cmd.RegisterFlagCompletionFunc("include-namespaces", func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return cli.CompleteNames(cmd.Context(), f, schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false, prefix), cobra.ShellCompDirectiveNoFileComp
	})
}

// Spec checks the flags and turns them into Velero's fields.
func (s *Scope) Spec() (backup.Spec, error) {
	spec, err := backup.SpecFor(s.opts)
	var excluded *backup.ExcludedError
	if errors.As(err, &excluded) {
		return spec, cmdutil.Usagef("--include-namespaces: %v", err)
	}
	return spec, err
}

// Lister is the shape of every list verb: Velero's objects of one
// resource on the current cluster or on each cluster of a fleet, as a
// table (with a CLUSTER column in a fleet) or as objects.
type Lister struct {
	Base
	Fleet         *cli.FleetFlags
	AllNamespaces bool
	sel           fleet.Selection
}

// NewLister returns the options of a list verb.
func NewLister(f *cli.Factory, streams genericiooptions.IOStreams) Lister {
	return Lister{Base: NewBase(f, streams), Fleet: cli.NewFleetFlags()}
}

// AddFlags registers --velero-namespace, -A, -o and the fleet flags.
func (l *Lister) AddFlags(cmd *cobra.Command, what string) {
	l.Base.AddFlags(cmd)
	cmd.Flags().BoolVarP(&l.AllNamespaces, "all-namespaces", "A", false, "List "+what+" of every namespace, not only --velero-namespace's (a NAMESPACE column says where).")
	AddFleetFlags(cmd, l.Fleet, "List "+what)
}

// Complete has nothing to resolve.
func (l *Lister) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o and the fleet flags.
func (l *Lister) Validate() error {
	if err := l.Base.Validate(); err != nil {
		return err
	}
	var err error
	l.sel, err = l.Fleet.Selection(l.Factory)
	return err
}

// Listing is what a list verb shows: its resource, columns, a row per
// object and what to say when there is none.
type Listing struct {
	Resource schema.GroupVersionResource
	Columns  []cmdutil.Column
	Row      func(u *unstructured.Unstructured, now time.Time) []string
	// RowWithBackups, when set, is used instead of Row, with the backups of
	// the same target (read only for a table): a schedule's newest backup.
	RowWithBackups func(u *unstructured.Unstructured, now time.Time, backups []*backup.Backup) []string
	Empty          string
}

// listed is what a list verb read on one target.
type listed struct {
	objs    []*unstructured.Unstructured
	backups []*backup.Backup
}

// List reads and prints.
func (l *Lister) List(ctx context.Context, spec Listing) error {
	ns := l.VeleroNamespace
	if l.AllNamespaces {
		ns = metav1.NamespaceAll
	}
	results, notes, err := cli.FleetRun(ctx, l.Factory, l.sel, Requirements, func(ctx context.Context, t cli.Target) (listed, error) {
		list, err := t.Clients.Dynamic.Resource(spec.Resource).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return listed{}, err
		}
		out := listed{objs: make([]*unstructured.Unstructured, len(list.Items))}
		for i := range list.Items {
			out.objs[i] = &list.Items[i]
			if t.Name != "" {
				Annotate(out.objs[i], t.Name)
			}
		}
		if spec.RowWithBackups == nil || !l.Output.Human() || len(out.objs) == 0 {
			return out, nil
		}
		backups, err := t.Clients.Dynamic.Resource(backup.Backups).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return listed{}, fmt.Errorf("listing backups: %w", err)
		}
		for i := range backups.Items {
			b, err := backup.Parse[backup.Backup](&backups.Items[i])
			if err != nil {
				return listed{}, err
			}
			out.backups = append(out.backups, b)
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintln(l.Streams.ErrOut, n)
	}
	failed := false
	if !l.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, r := range results {
			objs = append(objs, r.Value.objs...)
			if r.Err != nil {
				failed = true
				fmt.Fprintf(l.Streams.ErrOut, "%s: %s\n", r.Target, explain.Message(r.Err))
			}
		}
		if err := l.Output.PrintObjects(l.Streams.Out, objs, false); err != nil {
			return err
		}
		return Strict(failed, l.sel)
	}
	fleetView := Fleet(l.sel)
	t := &cmdutil.Table{Columns: append([]cmdutil.Column{{Header: "CLUSTER", Hidden: !fleetView}, {Header: "NAMESPACE", Hidden: !l.AllNamespaces}}, spec.Columns...)}
	w := t.Writer(l.Streams.Out, l.Output.Wide(), l.Output.NoHeaders)
	now := time.Now()
	for _, r := range results {
		if r.Err != nil {
			failed = true
			w.Write([]string{r.Target, "", "Error: " + explain.Message(r.Err)})
			continue
		}
		for _, u := range r.Value.objs {
			var cells []string
			if spec.RowWithBackups != nil {
				cells = spec.RowWithBackups(u, now, r.Value.backups)
			} else {
				cells = spec.Row(u, now)
			}
			w.Write(append([]string{r.Target, u.GetNamespace()}, cells...))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if w.Rows == 0 {
		where := "in namespace " + l.VeleroNamespace
		if l.AllNamespaces {
			where = "in any namespace"
		}
		fmt.Fprintf(l.Streams.ErrOut, "%s %s.\n", spec.Empty, where)
	}
	return Strict(failed, l.sel)
}

// Annotate records the fleet target an object was read from, for -o
// formats (kubectl tko's context annotation).
func Annotate(u *unstructured.Unstructured, target string) {
	a := u.GetAnnotations()
	if a == nil {
		a = map[string]string{}
	}
	a[kube.AnnotationContext] = target
	u.SetAnnotations(a)
}

// Age renders a time as kubectl does, "-" for none.
func Age(t *metav1.Time, now time.Time) string { return cmdutil.OrDash(backup.Age(t, now)) }

// Count renders done/total, "-" when Velero has not counted.
func Count(done, total int64) string {
	if total == 0 && done == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", done, total)
}

// Stamp renders a time with its age: "2026-04-12T02:00:00Z (5m ago)".
func Stamp(t *metav1.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339) + " (" + backup.Age(t, now) + " ago)"
}

// Ref is a Velero object by kind and name, for "kind/name verb" lines.
func Ref(kind, namespace, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(backup.Group + "/v1")
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	return u
}

// Location is --storage-location ("" for Velero's default).
func (s *Scope) Location() string { return s.opts.Location }

// Joined renders a list cell.
func Joined(list []string) string { return strings.Join(list, "; ") }

// Getter is the shape of the get verbs of backups and restores: one
// object, after --wait watched it end, as an object (-o) or described.
type Getter struct {
	Base
	Wait     Wait
	Resource schema.GroupVersionResource
	Follow   string // the command that follows it, for a wait cut short
	Describe func(out io.Writer, u *unstructured.Unstructured, now time.Time, rec *Recorded) error
	name     string
}

// Recorded is what a description shows of the errors and warnings Velero
// recorded for a backup or restore (its status only counts them): the
// messages, or why they could not be read from the object store.
type Recorded struct {
	Results *backup.Results
	Err     error
}

// AddFlags registers --velero-namespace, -o, --wait and --timeout.
func (g *Getter) AddFlags(cmd *cobra.Command, what string) {
	g.Base.AddFlags(cmd)
	g.Wait.AddFlags(cmd, what)
}

// Complete takes the name.
func (g *Getter) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	g.name = args[0]
	return nil
}

// Validate checks the flags.
func (g *Getter) Validate() error {
	if err := g.Base.Validate(); err != nil {
		return err
	}
	return g.Wait.Validate()
}

// Run reads (and waits) and prints.
func (g *Getter) Run(ctx context.Context) error {
	c, err := g.Connect()
	if err != nil {
		return err
	}
	u, err := backup.Get(ctx, c.Dynamic, g.Resource, g.VeleroNamespace, g.name)
	if err != nil {
		return err
	}
	var waitErr error
	if g.Wait.Wait {
		_, waitErr = g.Wait.For(ctx, c, u, g.Streams.ErrOut, g.Follow+" "+g.name+" --wait")
		if ctx.Err() != nil {
			return waitErr // Ctrl-C: nothing more to read
		}
		if u, err = backup.Get(ctx, c.Dynamic, g.Resource, g.VeleroNamespace, g.name); err != nil {
			return err
		}
	}
	if !g.Output.Human() {
		err = g.Output.PrintObjects(g.Streams.Out, []*unstructured.Unstructured{u}, true)
	} else {
		rec := g.recorded(ctx, c, u)
		if ctx.Err() != nil {
			return context.Cause(ctx) // Ctrl-C while reading the store
		}
		err = g.Describe(g.Streams.Out, u, time.Now(), rec)
	}
	if err != nil {
		return err
	}
	return waitErr
}

// recorded reads the messages Velero recorded for a backup or restore it
// ended with errors or warnings; nil when there are none to read.
func (g *Getter) recorded(ctx context.Context, c *kube.Clients, u *unstructured.Unstructured) *Recorded {
	o := backup.OutcomeOf(u)
	if !o.Done() || (o.Errors == 0 && o.Warnings == 0) {
		return nil
	}
	res, err := backup.FetchResults(ctx, c.Dynamic, u.GetKind(), u.GetNamespace(), u.GetName(), backup.ResultsTimeout)
	return &Recorded{Results: res, Err: err}
}

// PrintRecorded prints the errors and warnings Velero recorded, one line
// each with where it arose, or why they could not be read; then where the
// full log is.
func PrintRecorded(out io.Writer, rec *Recorded, logs string) {
	if rec == nil {
		return
	}
	fmt.Fprintln(out)
	if rec.Err != nil {
		fmt.Fprintf(out, "Errors and warnings recorded: not read (%s)\n", explain.Message(rec.Err))
	} else {
		printResult(out, "Errors recorded", rec.Results.Errors)
		printResult(out, "Warnings recorded", rec.Results.Warnings)
	}
	fmt.Fprintf(out, "Full log: %s\n", logs)
}

func printResult(out io.Writer, title string, r backup.Result) {
	if r.Empty() {
		return
	}
	fmt.Fprintf(out, "%s:\n", title)
	for _, m := range r.Velero {
		fmt.Fprintf(out, "  Velero: %s\n", m)
	}
	for _, m := range r.Cluster {
		fmt.Fprintf(out, "  Cluster: %s\n", m)
	}
	for _, ns := range slices.Sorted(maps.Keys(r.Namespaces)) {
		for _, m := range r.Namespaces[ns] {
			fmt.Fprintf(out, "  Namespace %s: %s\n", ns, m)
		}
	}
}

// Field prints one "Key:  value" line of a description.
func Field(out io.Writer, key, value string) {
	fmt.Fprintf(out, "%-20s %s\n", key+":", cmdutil.OrDash(value))
}

// Failures prints the reasons Velero recorded, whole.
func Failures(out io.Writer, reason string, validation []string) {
	if reason != "" {
		Field(out, "Failure reason", reason)
	}
	for _, v := range validation {
		Field(out, "Validation error", v)
	}
}

// Change is the shape of the verbs that write: Base, --dry-run and the
// NAME argument (optional when a verb makes one up).
type Change struct {
	Base
	DryRun DryRun
	Name   string
}

// NewChange returns the options of a writing verb.
func NewChange(f *cli.Factory, streams genericiooptions.IOStreams) Change {
	return Change{Base: NewBase(f, streams)}
}

// AddFlags registers --velero-namespace, -o and --dry-run.
func (c *Change) AddFlags(cmd *cobra.Command) {
	c.Base.AddFlags(cmd)
	AddDryRunFlag(cmd, &c.DryRun)
}

// Complete takes NAME when given.
func (c *Change) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	if len(args) > 0 {
		c.Name = args[0]
	}
	return nil
}

// Validate checks -o and --dry-run.
func (c *Change) Validate() error {
	if err := c.Base.Validate(); err != nil {
		return err
	}
	return c.DryRun.Validate()
}

// ListCmd is what differs between the list verbs.
type ListCmd struct {
	Short, Long, Example string
	What                 string // "backups", for the fleet flags' help
	Listing              Listing
}

// NewListCmd returns a list verb.
func NewListCmd(f *cli.Factory, streams genericiooptions.IOStreams, spec ListCmd) *cobra.Command {
	o := &listVerb{Lister: NewLister(f, streams), listing: spec.Listing}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   spec.Short,
		Long:    cmdutil.LongDesc(spec.Long),
		Example: cmdutil.Examples(spec.Example),
		Args:    cmdutil.NoArgs,
		RunE:    cli.RunE(f, o),
	}
	o.AddFlags(cmd, spec.What)
	return cmd
}

type listVerb struct {
	Lister
	listing Listing
}

func (o *listVerb) Run(ctx context.Context) error { return o.List(ctx, o.listing) }

// Deletion is the shape of the delete verbs: a Change with --yes.
type Deletion struct {
	Change
	Yes bool
}

// NewDeletion returns the options of a delete verb.
func NewDeletion(f *cli.Factory, streams genericiooptions.IOStreams) Deletion {
	return Deletion{Change: NewChange(f, streams)}
}

// AddFlags registers the Change flags and --yes.
func (d *Deletion) AddFlags(cmd *cobra.Command) {
	d.Change.AddFlags(cmd)
	cmd.Flags().BoolVarP(&d.Yes, "yes", "y", false, "Do not ask for confirmation.")
}

// Confirm asks on a terminal unless --yes or a dry run; from a script it
// refuses without --yes.
func (d *Deletion) Confirm(question string) error {
	if d.Yes || d.DryRun.Any() {
		return nil
	}
	return cmdutil.Confirm(d.Streams.In, d.Streams.ErrOut, "refusing to delete without --yes when not on a terminal", question)
}
