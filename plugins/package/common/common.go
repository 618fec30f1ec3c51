// Package common holds what the `kubectl tko package` verbs share: the
// connection to kapp-controller's APIs and completion.
package common

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Ref is a kapp-controller object by kind and name (PackageInstall,
// PackageRepository), for "kind/name verb" lines.
func Ref(kind, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(carvel.PackagingGroup + "/v1alpha1")
	u.SetKind(kind)
	u.SetName(name)
	return u
}

// Connect checks that kapp-controller's APIs are served and builds the
// client. needData asks for the aggregated Package API as well.
func Connect(f *cli.Factory, needData bool) (*carvel.Client, error) {
	c, err := f.Connect(carvel.Requirements(needData)...)
	if err != nil {
		return nil, err
	}
	return &carvel.Client{Dyn: c.Dynamic, Namespace: c.Namespace}, nil
}

// CompleteInstalls completes PackageInstall names.
func CompleteInstalls(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Installs, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteRepositories completes PackageRepository names.
func CompleteRepositories(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Repositories, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompletePackages completes package names (refName) visible in the namespace.
func CompletePackages(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		f.ForCompletion()
		return cli.CompleteNames(cmd.Context(), f, carvel.Metadatas, true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}

// Age renders a creation timestamp like kubectl's AGE column.
func Age(u *unstructured.Unstructured) string {
	t := u.GetCreationTimestamp()
	if t.IsZero() {
		return "<unknown>"
	}
	return duration.HumanDuration(time.Since(t.Time))
}

// GoesOn words a wait for an install or a repository cut short (timeout,
// Ctrl-C): what was done to it, that kapp-controller goes on, and how to
// follow it. what is "package install" or "package repository".
func GoesOn(err error, what, namespace, name, done string) error {
	follow := "kubectl tko package installed status " + name + " -n " + namespace
	if what == "package repository" {
		follow = "kubectl tko package repository get " + name + " -n " + namespace
	}
	return wait.GoesOn(err, fmt.Sprintf("%s %s/%s %s and kapp-controller goes on with it (follow it: %s)", what, namespace, name, done, follow))
}

// Done says what an apply did, for GoesOn: "was created", "is unchanged".
func Done(result string) string {
	if result == "unchanged" {
		return "is unchanged"
	}
	return "was " + result
}

// Reconciled prints the closing line of a successful wait.
func Reconciled(errOut io.Writer, what string, start time.Time) {
	fmt.Fprintf(errOut, "%s reconciled (%s)\n", what, time.Since(start).Round(10*time.Millisecond))
}

// PrintConditions writes a kapp-controller object's conditions.
func PrintConditions(w io.Writer, conds []carvel.Condition) {
	if len(conds) == 0 {
		return
	}
	fmt.Fprintln(w, "Conditions:")
	for _, c := range conds {
		fmt.Fprintf(w, "  %s=%s %s\n", c.Type, c.Status, c.Message)
	}
}

// PrintError writes kapp-controller's useful error message whole, indented.
func PrintError(w io.Writer, msg string) {
	if msg = strings.TrimSpace(msg); msg != "" {
		fmt.Fprintf(w, "Error:\n  %s\n", strings.ReplaceAll(msg, "\n", "\n  "))
	}
}

// InstallAndApp reads an install of the chosen namespace and its App (nil
// before kapp-controller's first reconcile).
func InstallAndApp(ctx context.Context, f *cli.Factory, name string) (*carvel.Client, *carvel.Install, *carvel.App, error) {
	c, err := Connect(f, false)
	if err != nil {
		return nil, nil, nil, err
	}
	in, err := c.GetInstall(ctx, c.Namespace, name)
	if err != nil {
		return nil, nil, nil, err
	}
	app, err := c.GetApp(ctx, in.Namespace, in.Name)
	return c, in, app, err
}

// PrintStages writes each stage of the App's last reconcile (fetch,
// template, deploy); full adds their error output, never truncated.
func PrintStages(w io.Writer, app *carvel.App, full bool) {
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

// KickOptions is the kick of a PackageInstall or a PackageRepository
// (Kind): both verbs' Options.
type KickOptions struct {
	VerbOptions
	Kind string
	cmdutil.WaitFlags
}

// NewKickOptions returns the options of the kick of a Kind, whose --wait
// waits up to timeout.
func NewKickOptions(streams genericiooptions.IOStreams, kind string, timeout time.Duration) KickOptions {
	return KickOptions{VerbOptions: NewVerbOptions(streams, false), Kind: kind, WaitFlags: cmdutil.WaitFlags{Timeout: timeout, OnTerminal: true}}
}

// AddFlags registers --wait and --timeout.
func (o *KickOptions) AddFlags(cmd *cobra.Command, what string) {
	o.WaitFlags.AddFlags(cmd, "Wait until the "+what+" is reconciled again")
}

// Complete takes the factory and the name, and defaults --wait to on for
// a person at a terminal.
func (o *KickOptions) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.WaitFlags.Complete(cmd, o.Streams.ErrOut, cmdutil.DryRunNone)
	return o.VerbOptions.Complete(f, cmd, args)
}

// Validate checks --timeout.
func (o *KickOptions) Validate() error { return o.WaitFlags.Validate(cmdutil.DryRunNone) }

// Run makes kapp-controller reconcile the object now (pausing and resuming
// it gives it a new generation) and, with Wait, follows it by watch until
// it is reconciled again.
func (o *KickOptions) Run(ctx context.Context) error {
	c, err := Connect(o.Factory, false)
	if err != nil {
		return err
	}
	name := o.Name
	gvr, what, waitFor := carvel.Installs, "package install", c.WaitInstall
	if o.Kind == "PackageRepository" {
		gvr, what, waitFor = carvel.Repositories, "package repository", c.WaitRepository
		_, err = c.GetRepository(ctx, c.Namespace, name)
	} else {
		_, err = c.GetInstall(ctx, c.Namespace, name)
	}
	if err != nil {
		return err
	}
	start := time.Now()
	if err := c.Kick(ctx, gvr, c.Namespace, name); err != nil {
		return err
	}
	if err := cli.PrintAction(o.Streams.Out, Ref(o.Kind, name), "kicked", false); err != nil {
		return err
	}
	if !o.Wait {
		return nil
	}
	if _, err := waitFor(ctx, c.Namespace, name, carvel.WaitOptions{Timeout: o.Timeout, Progress: cmdutil.WaitProgress(o.Streams.ErrOut)}); err != nil {
		return GoesOn(err, what, c.Namespace, name, "was kicked")
	}
	Reconciled(o.Streams.ErrOut, what+" "+c.Namespace+"/"+name, start)
	return nil
}

// VerbOptions is what every verb's Options holds: the factory (set by
// Complete), the streams, the output flags (nil for verbs that print no
// objects) and the NAME argument, if any.
type VerbOptions struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Name    string
}

// NewVerbOptions returns the shared options; output adds the -o flags.
func NewVerbOptions(streams genericiooptions.IOStreams, output bool) VerbOptions {
	b := VerbOptions{Streams: streams}
	if output {
		b.Output = cli.NewOutputFlags()
	}
	return b
}

// Complete takes the factory and the NAME argument.
func (b *VerbOptions) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	b.Factory = f
	if len(args) > 0 {
		b.Name = args[0]
	}
	return nil
}

// Validate checks the output flags.
func (b *VerbOptions) Validate() error {
	if b.Output == nil {
		return nil
	}
	return b.Output.Validate()
}

// Catalog reads what the chosen namespace can install: its packages and
// those of the global repositories.
func Catalog(ctx context.Context, f *cli.Factory) (*carvel.Catalog, error) {
	c, err := Connect(f, true)
	if err != nil {
		return nil, err
	}
	return c.LoadCatalog(ctx, c.Namespace)
}

// ListScope connects and says which namespace a list covers: the chosen
// one, or every namespace ("") with -A.
func ListScope(f *cli.Factory, allNamespaces bool) (*carvel.Client, string, error) {
	c, err := Connect(f, false)
	if err != nil {
		return nil, "", err
	}
	if allNamespaces {
		return c, "", nil
	}
	return c, c.Namespace, nil
}

// Objects are the objects behind listed items, for -o.
func Objects[T any](items []T, object func(T) *unstructured.Unstructured) []*unstructured.Unstructured {
	out := make([]*unstructured.Unstructured, 0, len(items))
	for _, it := range items {
		out = append(out, object(it))
	}
	return out
}
