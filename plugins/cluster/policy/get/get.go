// Package get implements `kubectl tko cluster policy get`.
package get

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags of `policy get`.
type Options struct {
	common.PolicyOptions
	Name string
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{PolicyOptions: common.NewPolicyOptions(f, streams)}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Print a policy as a ClusterPolicy document, from a cluster or every cluster of a fleet",
		Long: cmdutil.LongDesc(`
			Print a policy as it was applied, as the ClusterPolicy document 'policy apply
			-f' takes (YAML unless -o says otherwise): to keep it in git, or to apply it
			to other clusters.

			From the current cluster, one context or one workload cluster, the document
			alone. Across a fleet (--all-workload-clusters, --cluster-selector,
			--cluster a,b, --all-contexts, --context a,b), one document per cluster
			that has the policy, each naming its cluster in the annotation
			tko.tanzu.vmware.com/context: a YAML stream, or a List with -o json; a
			cluster without it is noted on standard error. Exit 3 when no target has
			the policy; exit 1 when a target could not be read and none had it, or
			with --strict.`),
		Example: cmdutil.Examples(`
			# Export a policy and apply it to the prod workload clusters
			kubectl tko cluster policy get harbor-only > harbor-only.yaml
			kubectl tko cluster policy apply -f harbor-only.yaml --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod

			# The policy as each workload cluster has it
			kubectl tko cluster policy get harbor-only --all-workload-clusters

			# Which clusters have it
			kubectl tko cluster policy get harbor-only --all-workload-clusters -o jsonpath='{range .items[*]}{.metadata.annotations.tko\.tanzu\.vmware\.com/context}{"\n"}{end}'`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd)
	return cmd
}

// Complete takes the name; YAML is the default output.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	o.Output.Default("yaml")
	return nil
}

// Run reads the policy's record on every target and prints it.
func (o *Options) Run(ctx context.Context) error {
	outcomes, err := common.Run(ctx, &o.PolicyOptions, func(ctx context.Context, c *kube.Clients) (*policy.Policy, error) {
		rec, err := policy.GetRecord(ctx, c.Dynamic, o.Name)
		if err != nil {
			return nil, err
		}
		return rec.Policy, nil
	})
	if err != nil {
		return err
	}
	if o.Selection.Single() && len(outcomes.Results) == 1 {
		oc := outcomes.Results[0]
		if oc.Err != nil {
			return &errs.StepError{Where: "cluster " + oc.Target, Err: oc.Err}
		}
		return o.Output.PrintData(o.Streams.Out, oc.Value)
	}
	found := common.Present(o.Streams.ErrOut, o.Name, outcomes)
	if len(found) > 0 {
		if err := o.print(o.Streams.Out, found); err != nil {
			return err
		}
	}
	return outcomes.Exit()
}

// print writes one document per cluster, each naming its cluster: a YAML
// stream, else (JSON, templates) a List.
func (o *Options) print(out io.Writer, found []common.Outcome[*policy.Policy]) error {
	items := make([]any, len(found))
	for i, oc := range found {
		doc, err := runtime.DefaultUnstructuredConverter.ToUnstructured(oc.Value)
		if err != nil {
			return fmt.Errorf("encoding policy %s: %w", o.Name, err)
		}
		meta, _ := doc["metadata"].(map[string]any)
		annotations, _ := meta["annotations"].(map[string]any)
		if annotations == nil {
			annotations = map[string]any{}
		}
		annotations[kube.AnnotationContext] = oc.Target
		meta["annotations"] = annotations
		items[i] = doc
	}
	if o.Output.Format() != "yaml" {
		return o.Output.PrintData(out, map[string]any{"apiVersion": "v1", "kind": "List", "items": items})
	}
	for i, doc := range items {
		if i > 0 {
			fmt.Fprintln(out, "---")
		}
		if err := o.Output.PrintData(out, doc); err != nil {
			return err
		}
	}
	return nil
}
