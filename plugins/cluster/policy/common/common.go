// Package common holds what the `kubectl tko cluster policy` verbs share:
// the fleet flags, running a step on every target cluster, and completion
// of policy names.
package common

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// PolicyOptions is what the options of every policy verb hold: the
// fleet options (the current cluster by default, kubeconfig contexts, or
// workload clusters through their kubeconfig Secrets).
type PolicyOptions struct{ cli.FleetOptions }

// NewPolicyOptions returns the shared options of a verb.
func NewPolicyOptions(f *cli.Factory, streams genericiooptions.IOStreams) PolicyOptions {
	return PolicyOptions{cli.NewFleetOptions(f, streams)}
}

// AddFlags registers the fleet flags and -o.
func (b *PolicyOptions) AddFlags(cmd *cobra.Command) {
	b.FleetOptions.AddFlags(cmd, "Workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Outcome is one target's result.
type Outcome[T any] struct {
	Cluster string // "" for the current cluster
	Value   T
	Err     error
}

// Run calls fn on every target (the policy requirement checked on each)
// and prints the fleet's notes. On the current cluster alone, its error is
// returned as is, so it keeps its own exit code.
func Run[T any](ctx context.Context, b *PolicyOptions, fn func(ctx context.Context, c *kube.Clients) (T, error)) ([]Outcome[T], error) {
	results, notes, err := cli.FleetRun(ctx, b.Factory, b.Selection, []kube.Requirement{policy.Requirement}, func(ctx context.Context, tg cli.Target) (T, error) {
		return fn(ctx, tg.Clients)
	})
	if err != nil {
		return nil, err
	}
	for _, n := range notes {
		fmt.Fprintln(b.Streams.ErrOut, n)
	}
	out := make([]Outcome[T], len(results))
	for i, r := range results {
		out[i] = Outcome[T]{Cluster: r.Target, Value: r.Value, Err: r.Err}
		if r.Err != nil && !b.FleetView() {
			return nil, r.Err
		}
	}
	return out, nil
}

// Name is how a target is named in output: "current cluster" alone.
func Name(cluster string) string {
	if cluster == "" {
		return "current cluster"
	}
	return cluster
}

// Failed prints a line for each failed target ("cluster X: error") and
// says how many failed.
func Failed[T any](errOut io.Writer, outcomes []Outcome[T]) int {
	n := 0
	for _, o := range outcomes {
		if o.Err != nil {
			n++
			fmt.Fprintf(errOut, "error: cluster %s: %s\n", Name(o.Cluster), explain.Message(o.Err))
		}
	}
	return n
}

// Present sorts the outcomes of a verb about one policy: a note for each
// target where the policy is not applied, an error line for each failed
// one. It returns the targets that have the policy and how many failed.
func Present[T any](errOut io.Writer, name string, outcomes []Outcome[T]) (found []Outcome[T], failed int) {
	for _, oc := range outcomes {
		var nf *errs.NotFoundError
		switch {
		case errors.As(oc.Err, &nf):
			fmt.Fprintf(errOut, "cluster %s: policy %s is not applied there\n", Name(oc.Cluster), name)
		case oc.Err != nil:
			failed++
			fmt.Fprintf(errOut, "error: cluster %s: %s\n", Name(oc.Cluster), explain.Message(oc.Err))
		default:
			found = append(found, oc)
		}
	}
	return found, failed
}

// CompleteNames completes policy names from the current cluster's records.
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
		list, err := dyn.Resource(policy.ConfigMaps).Namespace(policy.RecordNamespace).List(cmd.Context(), metav1.ListOptions{LabelSelector: policy.LabelPolicy})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, item := range list.Items {
			if strings.HasPrefix(item.GetName(), prefix) {
				out = append(out, item.GetName())
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
