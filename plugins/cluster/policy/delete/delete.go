// Package delete implements `kubectl tko cluster policy delete`.
package delete

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags of `policy delete`.
type Options struct {
	common.PolicyOptions
	Name   string
	DryRun cmdutil.DryRun
}

// NewCmd returns the delete command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{PolicyOptions: common.NewPolicyOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Remove exactly what a policy wrote, from a cluster or every cluster of a fleet",
		Long: cmdutil.LongDesc(`
			Remove a policy: every object carrying tko.tanzu.vmware.com/policy=NAME (on
			namespaces, only the Pod Security labels the policy set) and its record in
			tko-policies. Other policies' objects are never touched. On a fleet, clusters
			without the policy are noted and skipped; exit 3 when no target has it.`),
		Example: cmdutil.Examples(`
			# What would be removed
			kubectl tko cluster policy delete harbor-only --dry-run

			# Remove it from every workload cluster
			kubectl tko cluster policy delete harbor-only --all-workload-clusters`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print what would be removed and remove nothing: client (default when given) or server (every target's API server checks each removal too).")
	o.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	return nil
}

// Run deletes on every target.
func (o *Options) Run(ctx context.Context) error {
	outcomes, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) ([]policy.Action, error) {
		if o.DryRun.Client() {
			return policy.Removal(ctx, c.Dynamic, o.Name)
		}
		return policy.Delete(ctx, c.Dynamic, o.Name, o.DryRun.Server())
	})
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	outcomes.FailAlways = true
	found := common.Present(o.Streams.ErrOut, o.Name, outcomes)
	for _, oc := range found {
		for _, a := range oc.Value {
			objs = append(objs, a.Object)
			if o.Output.Human() {
				if o.FleetView() {
					fmt.Fprintf(o.Streams.Out, "cluster %s: ", common.Name(oc.Target))
				}
				if err := cli.PrintAction(o.Streams.Out, a.Object, a.Verb, o.DryRun.Any()); err != nil {
					return err
				}
			}
		}
	}
	if !o.Output.Human() {
		if err := o.Output.PrintObjects(o.Streams.Out, objs, false); err != nil {
			return err
		}
	}
	return outcomes.Exit()
}
