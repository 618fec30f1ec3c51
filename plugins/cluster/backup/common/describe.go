package common

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

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

// Getter is the shape of the get verbs of backups and restores: one
// object, after --wait watched it end, as an object (-o) or described.
type Getter struct {
	VeleroOptions
	Wait     Wait
	Fleet    *cli.FleetFlags
	Resource schema.GroupVersionResource
	Follow   string // the command that follows it, for a wait cut short
	Describe func(out io.Writer, u *unstructured.Unstructured, now time.Time, rec *Recorded) error
	name     string
	sel      fleet.Selection
}

// Recorded is what a description shows of the errors and warnings Velero
// recorded for a backup or restore (its status only counts them): the
// messages, or why they could not be read from the object store.
type Recorded struct {
	Results *backup.Results
	Err     error
}

// AddFlags registers --velero-namespace, -o, --wait, --timeout and the
// fleet flags.
func (g *Getter) AddFlags(cmd *cobra.Command, what string) {
	g.VeleroOptions.AddFlags(cmd)
	g.Wait.AddFlags(cmd, what)
	g.Fleet = cli.NewFleetFlags()
	AddFleetFlags(cmd, g.Fleet, "Show the "+what)
}

// Complete takes the name.
func (g *Getter) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	g.name = args[0]
	return nil
}

// Validate checks the flags before any connection.
func (g *Getter) Validate() error {
	if err := g.VeleroOptions.Validate(); err != nil {
		return err
	}
	if err := g.Wait.Validate(cmdutil.DryRunNone); err != nil {
		return err
	}
	var err error
	if g.sel, err = g.Fleet.Selection(g.Factory); err != nil {
		return err
	}
	if g.Wait.Wait {
		Bound(&g.sel, g.Wait.Timeout)
	}
	return nil
}

// got is what get read on one target.
type got struct {
	obj     *unstructured.Unstructured
	rec     *Recorded
	waitErr error // a wait cut short: the object is shown as last seen
}

// Run reads (and waits) on the current cluster or on each cluster of a
// fleet, and prints: on the current cluster alone, the description or the
// object; on a fleet, one per cluster, headed by its name.
func (g *Getter) Run(ctx context.Context) error {
	report, err := cli.RunFleet(ctx, g.Factory, g.sel, Requirements, g.Streams.ErrOut, g.read)
	if err != nil {
		return err
	}
	results := report.Results
	if ctx.Err() != nil {
		return context.Cause(ctx) // Ctrl-C: nothing more to print
	}
	if !g.sel.Fleet() {
		r := results[0].Value
		if err := g.print(g.Streams.Out, r, true); err != nil {
			return err
		}
		return r.waitErr
	}
	report.Object = &errs.NotFoundError{Kind: strings.TrimSuffix(g.Resource.Resource, "s"), Name: g.name, Namespace: g.VeleroNamespace}
	if !g.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, r := range results {
			if r.Err == nil {
				objs = append(objs, r.Value.obj)
			}
		}
		report.Warn(g.Streams.ErrOut)
		if err := g.Output.PrintObjects(g.Streams.Out, objs, false); err != nil {
			return err
		}
	} else {
		for i, r := range results {
			if i > 0 {
				fmt.Fprintln(g.Streams.Out)
			}
			Field(g.Streams.Out, "Cluster", r.Target)
			if r.Err != nil {
				Field(g.Streams.Out, "Error", report.Message(i))
				continue
			}
			if r.Value.waitErr != nil {
				report.Fail(i)
				Field(g.Streams.Out, "Wait", explain.Message(r.Value.waitErr))
			}
			if err := g.print(g.Streams.Out, r.Value, false); err != nil {
				return err
			}
		}
	}
	return report.Exit()
}

// read gets the object on one target, follows it with --wait and reads
// what Velero recorded for a description.
func (g *Getter) read(ctx context.Context, t cli.Target) (got, error) {
	c := t.Clients
	u, err := backup.Get(ctx, c.Dynamic, g.Resource, g.VeleroNamespace, g.name)
	if err != nil {
		return got{}, err
	}
	var out got
	if g.Wait.Wait {
		_, out.waitErr = g.Wait.For(ctx, c, u, g.Streams.ErrOut, g.Follow+" "+g.name+" --wait")
		if ctx.Err() != nil {
			return got{}, out.waitErr // Ctrl-C: nothing more to read
		}
		if u, err = backup.Get(ctx, c.Dynamic, g.Resource, g.VeleroNamespace, g.name); err != nil {
			return got{}, err
		}
	}
	if g.Output.Human() {
		out.rec = g.recorded(ctx, c, u)
		if ctx.Err() != nil {
			return got{}, context.Cause(ctx) // Ctrl-C while reading the store
		}
	}
	if t.Name != "" {
		Annotate(u, t.Name)
	}
	out.obj = u
	return out, nil
}

// print prints what was read on one target: the object for -o, else the
// description.
func (g *Getter) print(out io.Writer, r got, single bool) error {
	if !g.Output.Human() {
		return g.Output.PrintObjects(out, []*unstructured.Unstructured{r.obj}, single)
	}
	return g.Describe(out, r.obj, time.Now(), r.rec)
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
