// Package common holds what the verbs of `kubectl tko cluster backup` and
// `kubectl tko cluster restore` share: Velero's namespace, the connection,
// completion of names, --wait and --dry-run, the fleet rows of the verbs
// that run on many clusters, and the shapes of verbs that come in pairs
// (logs of backups and restores, schedule pause and unpause).
package common

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// ExcludedNote is said in the help of every verb that backs up.
var ExcludedNote = "Namespaces " + strings.Join(backup.Excluded, ", ") + " are never backed up (as Tanzu Mission Control's data protection): they are excluded from every backup and refused in --include-namespaces."

// VeleroOptions is what every verb has: the factory, streams, -o and Velero's
// namespace.
type VeleroOptions struct {
	Factory         *cli.Factory
	Streams         genericiooptions.IOStreams
	Output          *cli.OutputFlags
	VeleroNamespace string
}

// NewVeleroOptions returns the shared options.
func NewVeleroOptions(f *cli.Factory, streams genericiooptions.IOStreams) VeleroOptions {
	return VeleroOptions{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), VeleroNamespace: backup.DefaultNamespace}
}

// AddFlags registers --velero-namespace and -o.
func (b *VeleroOptions) AddFlags(cmd *cobra.Command) {
	AddNamespaceFlag(cmd, &b.VeleroNamespace)
	b.Output.AddFlags(cmd)
}

// AddNamespaceFlag registers --velero-namespace.
func AddNamespaceFlag(cmd *cobra.Command, ns *string) {
	cmd.Flags().StringVar(ns, "velero-namespace", *ns, "The namespace Velero runs in and keeps its objects in.")
}

// Validate checks -o.
func (b *VeleroOptions) Validate() error { return b.Output.Validate() }

// Connect connects to the current cluster and checks that it serves Velero.
func (b *VeleroOptions) Connect() (*kube.Clients, error) {
	return b.Factory.Connect(backup.Requirement)
}

// Print prints objects: -o formats through the printers, else "kind/name verb".
func (b *VeleroOptions) Print(u *unstructured.Unstructured, verb string, dryRun bool) error {
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

// Wait is --wait and --timeout of the verbs that watch a backup or
// restore until Velero ends it: the wait kit, 30 minutes by default.
type Wait struct{ cmdutil.WaitFlags }

// AddFlags registers --wait and --timeout.
func (w *Wait) AddFlags(cmd *cobra.Command, what string) {
	w.Timeout = 30 * time.Minute
	w.WaitFlags.AddFlags(cmd, "Watch the "+what+" until Velero ends it: Completed (exit 0), PartiallyFailed or Failed (exit 1, with Velero's reasons)")
}

// Bound lets each target of a fleet run wait timeout (0: no limit) before
// the per-target limit stops it.
func Bound(sel *fleet.Selection, timeout time.Duration) {
	switch {
	case timeout == 0:
		sel.Timeout = 0
	case sel.Timeout != 0 && sel.Timeout < timeout:
		sel.Timeout = timeout + time.Minute
	}
}

// For watches a backup or restore until Velero ends it. When the wait
// stops first (timeout, Ctrl-C), the error says the object goes on and
// how to follow it; progress lines go to a terminal's stderr only.
func (w Wait) For(ctx context.Context, c *kube.Clients, u *unstructured.Unstructured, errOut io.Writer, follow string) (backup.Outcome, error) {
	last, err := wait.For(ctx, backup.WaitSpec(c.Dynamic, u, w.Timeout, cmdutil.WaitProgress(errOut)))
	if err != nil {
		return backup.Outcome{}, wait.GoesOn(err, fmt.Sprintf("%s %s goes on in Velero (follow it: %s)", strings.ToLower(u.GetKind()), u.GetName(), follow))
	}
	o := backup.OutcomeOf(last)
	return o, o.Err()
}

// BackupScope is the flags that say what a backup covers (backup create and
// schedule create).
type BackupScope struct{ opts backup.ScopeOptions }

// AddFlags registers the scope flags.
func (s *BackupScope) AddFlags(cmd *cobra.Command, f *cli.Factory) {
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
func (s *BackupScope) Spec() (backup.Spec, error) {
	spec, err := backup.SpecFor(s.opts)
	var excluded *backup.ExcludedError
	if errors.As(err, &excluded) {
		return spec, cmdutil.Usagef("--include-namespaces: %v", err)
	}
	return spec, err
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
func (s *BackupScope) Location() string { return s.opts.Location }

// Joined renders a list cell.
func Joined(list []string) string { return strings.Join(list, "; ") }

// Change is the shape of the verbs that write: VeleroOptions, --dry-run and
// the NAME argument (optional when a verb makes one up).
type Change struct {
	VeleroOptions
	DryRun cmdutil.DryRun
	Name   string
}

// NewChange returns the options of a writing verb.
func NewChange(f *cli.Factory, streams genericiooptions.IOStreams) Change {
	return Change{VeleroOptions: NewVeleroOptions(f, streams)}
}

// AddFlags registers --velero-namespace, -o and --dry-run.
func (c *Change) AddFlags(cmd *cobra.Command) {
	c.VeleroOptions.AddFlags(cmd)
	cmdutil.AddDryRunFlag(cmd, &c.DryRun, "Print instead of storing: client (default when given) or server (also checked by the API server and Velero's CRD).")
}

// Complete takes NAME when given.
func (c *Change) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	if len(args) > 0 {
		c.Name = args[0]
	}
	return nil
}

// Validate checks -o; --dry-run was checked as it was parsed.
func (c *Change) Validate() error { return c.VeleroOptions.Validate() }

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
