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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
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

// Outcome is one target's result; Target is "" for the current cluster.
type Outcome[T any] = fleet.Result[T]

// Run calls fn on every target (the policy requirement checked on each)
// and returns the run's report. On the current cluster alone, its error is
// returned as is, so it keeps its own exit code.
func Run[T any](ctx context.Context, b *PolicyOptions, fn func(ctx context.Context, c *kube.Clients) (T, error)) (*cli.FleetReport[T], error) {
	return RunEach(ctx, b, fn, nil)
}

// RunEach is Run that hands each target's result to each as it answers.
func RunEach[T any](ctx context.Context, b *PolicyOptions, fn func(ctx context.Context, c *kube.Clients) (T, error), each func(int, fleet.Result[T])) (*cli.FleetReport[T], error) {
	return alone(cli.RunFleetEach(ctx, b.Factory, b.Selection, []kube.Requirement{policy.Requirement}, b.Streams.ErrOut, func(ctx context.Context, tg cli.Target) (T, error) {
		return fn(ctx, tg.Clients)
	}, each))
}

// alone returns the current context's error whole when the run was that
// context alone, so that it keeps its own exit code.
func alone[T any](report *cli.FleetReport[T], err error) (*cli.FleetReport[T], error) {
	if err != nil {
		return nil, err
	}
	if err := report.Alone(); err != nil {
		return nil, err
	}
	return report, nil
}

// RunEachDirect is RunEach for a verb that only reads: targets are not
// asked what they serve (a round trip and a discovery document each on a
// WAN). Whether they serve admission policies is asked alongside fn's own
// reads, and only a 404 there costs discovery, to word what is missing as
// RunEach does.
func RunEachDirect[T any](ctx context.Context, b *PolicyOptions, fn func(ctx context.Context, c *kube.Clients) (T, error), each func(int, fleet.Result[T])) (*cli.FleetReport[T], error) {
	return alone(cli.RunFleetDirect(ctx, b.Factory, b.Selection, b.Streams.ErrOut, func(ctx context.Context, tg cli.Target) (T, error) {
		served := make(chan error, 1)
		go func() { served <- requireServed(ctx, tg) }()
		v, err := fn(ctx, tg.Clients)
		if serr := <-served; serr != nil {
			var zero T
			return zero, serr
		}
		return v, err
	}, each))
}

// requireServed fails as policy.Requirement does where tg does not serve
// ValidatingAdmissionPolicies. Errors other than a 404 are left to the
// verb's own reads, which meet them too.
func requireServed(ctx context.Context, tg cli.Target) error {
	_, err := tg.Clients.Dynamic.Resource(policy.VAPs).List(ctx, metav1.ListOptions{Limit: 1})
	if !apierrors.IsNotFound(err) {
		return nil
	}
	_, err = tg.Discover(ctx, policy.Requirement)
	return err
}

// Name is how a target is named in output: "current cluster" alone.
func Name(cluster string) string { return cli.TargetName(cluster) }

// Present sorts the outcomes of a verb about one policy: a note for each
// target where the policy is not applied, a line for each failed one. It
// returns the targets that have the policy.
func Present[T any](errOut io.Writer, name string, report *cli.FleetReport[T]) (found []Outcome[T]) {
	report.Object = &errs.NotFoundError{Kind: "policy", Name: name}
	for _, oc := range report.Results {
		var nf *errs.NotFoundError
		switch {
		case errors.As(oc.Err, &nf):
			fmt.Fprintf(errOut, "cluster %s: policy %s is not applied there\n", Name(oc.Target), name)
		case oc.Err == nil:
			found = append(found, oc)
		}
	}
	report.Warn(errOut)
	return found
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
