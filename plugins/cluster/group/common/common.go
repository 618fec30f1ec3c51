// Package common holds what the `kubectl tko cluster group` verbs share:
// connecting to the management cluster (and checking kapp-controller),
// reaching members, printing what a sync did, and completing group names.
package common

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Options is what every group verb holds.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
}

// NewOptions returns the shared options of a verb.
func NewOptions(f *cli.Factory, streams genericiooptions.IOStreams) Options {
	return Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
}

// Connect connects to the management cluster; with kapp it also checks
// that kapp-controller runs there (exit 3 and one line when not).
func (o *Options) Connect(kapp bool) (*kube.Clients, error) {
	c, err := o.Factory.Connect(capi.Requirement)
	if err != nil {
		return nil, err
	}
	if kapp {
		if err := groups.RequireKappController(c.Served); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Members reaches members through their kubeconfig Secrets, each request
// bounded as the management cluster's are, each member by the fleet's
// per-target timeout.
func Members(mgmt *kube.Clients) groups.Connect {
	tune := func(cfg *rest.Config) {
		cfg.Timeout, cfg.QPS, cfg.Burst = mgmt.Config.Timeout, mgmt.Config.QPS, mgmt.Config.Burst
		if cfg.Timeout == 0 {
			cfg.Timeout = fleet.DefaultTimeout
		}
	}
	return func(ctx context.Context, m groups.Member) (*kube.Clients, error) {
		return fleet.Connect(ctx, mgmt.Dynamic, m.Namespace, m.Name, tune)
	}
}

// PrintChanges prints what a sync, attach or detach did, a line per App
// (and per member skipped or failed), and returns exit 1 when a member
// failed: the others were done, and a rerun converges. With -o, the Apps
// and the extra objects are printed as one list.
func PrintChanges(streams genericiooptions.IOStreams, output *cli.OutputFlags, changes []groups.Change, dryRun bool, extra ...*unstructured.Unstructured) error {
	failed := 0
	var objs []*unstructured.Unstructured
	for _, ch := range changes {
		switch {
		case ch.Err != nil:
			failed++
			fmt.Fprintf(streams.ErrOut, "error: cluster %s: %s: %s\n", ch.Cluster, orGroup(ch.Intent), explain.Message(ch.Err))
		case ch.Verb == "skipped":
			fmt.Fprintf(streams.ErrOut, "Warning: cluster %s skipped: %s\n", ch.Cluster, ch.Note)
		case ch.App != nil && output.Human():
			fmt.Fprintf(streams.Out, "cluster %s: %s: ", ch.Cluster, ch.Intent)
			if err := cli.PrintAction(streams.Out, ch.App, ch.Verb, dryRun); err != nil {
				return err
			}
		case ch.App != nil:
			objs = append(objs, ch.App)
		case ch.Note != "" && output.Human():
			fmt.Fprintf(streams.Out, "cluster %s: %s: %s\n", ch.Cluster, ch.Intent, ch.Note)
		}
	}
	if !output.Human() {
		if err := output.PrintObjects(streams.Out, append(objs, extra...), false); err != nil {
			return err
		}
	}
	if failed > 0 {
		fmt.Fprintf(streams.ErrOut, "%d change(s) failed; the others were made: rerun to converge\n", failed)
		return explain.Failure()
	}
	return nil
}

func orGroup(intent string) string {
	if intent == "" {
		return "group"
	}
	return intent
}

// CompleteNames completes group names from the management cluster.
func CompleteNames(f *cli.Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, prefix string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		f.ForCompletion()
		dyn, err := f.Dynamic()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		list, err := groups.List(cmd.Context(), dyn)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, g := range list {
			if strings.HasPrefix(g.Name, prefix) {
				out = append(out, g.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// Warn writes a warning line.
func Warn(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "Warning: "+format+"\n", args...)
}

// Interrupted says, for a run stopped by Ctrl-C, what was written and what
// was not, and how to finish: the group itself was saved first, so a
// rerun, or 'group sync', converges. nil when the run was not interrupted.
func Interrupted(ctx context.Context, group string, changes []groups.Change) error {
	if ctx.Err() == nil {
		return nil
	}
	var done, not []string
	for _, ch := range changes {
		switch {
		case ch.Err != nil:
			not = append(not, ch.Cluster+" "+orGroup(ch.Intent))
		case ch.App != nil:
			done = append(done, ch.Cluster+" "+ch.Intent+" ("+ch.Verb+")")
		}
	}
	where := fmt.Sprintf("group %s is saved; done: %s; not done: %s; finish with 'kubectl tko cluster group sync %s'",
		group, errs.OrNone(done), errs.OrNone(not), group)
	return &errs.StepError{Where: where, Err: context.Cause(ctx)}
}
