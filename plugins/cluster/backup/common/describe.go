package common

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
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
