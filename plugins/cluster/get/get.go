// Package get implements `kubectl tko cluster get`.
package get

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
)

// Options holds the flags and state of `cluster get`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	Names     []string
	namespace string
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "get NAME...",
		Short: "Show workload clusters by name",
		Example: cli.Examples(`
			# One cluster
			kubectl tko cluster get wc-prod-1

			# As YAML, in another namespace
			kubectl tko cluster get wc-team-a -n team-a -o yaml`),
		Args:              cli.MinArgs("NAME"),
		ValidArgsFunction: CompleteClusterNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete resolves names and the namespace.
func (o *Options) Complete(args []string) error {
	for _, a := range args {
		name, err := capi.ParseName(a)
		if err != nil {
			return err
		}
		o.Names = append(o.Names, name)
	}
	ns, err := o.Factory.Namespace()
	o.namespace = ns
	return err
}

// Run fetches and prints.
func (o *Options) Run(ctx context.Context) error {
	disc, err := o.Factory.Discovery()
	if err != nil {
		return err
	}
	api, err := capi.Discover(disc)
	if err != nil {
		return err
	}
	dyn, err := o.Factory.Dynamic()
	if err != nil {
		return err
	}
	var objs []*unstructured.Unstructured
	for _, name := range o.Names {
		u, err := capi.GetCluster(ctx, dyn, api, o.namespace, name)
		if err != nil {
			return err
		}
		objs = append(objs, u)
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, objs, len(objs) == 1)
	}
	t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "CLASS"}, {Header: "VERSION"}, {Header: "CONTROLPLANE"}, {Header: "WORKERS"}, {Header: "STATUS"}, {Header: "AGE"}, {Header: "MESSAGE", Wide: true}}}
	for _, u := range objs {
		c := capi.FromUnstructured(u)
		t.Rows = append(t.Rows, []string{c.Name, c.Class, c.Version, c.ControlPlane.String(), c.Workers.String(), c.Status, duration.HumanDuration(time.Since(c.Created)), c.Message})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// CompleteClusterNames completes cluster names from the live API.
func CompleteClusterNames(f *cli.Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		f.ForCompletion()
		disc, err := f.Discovery()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		api, err := capi.Discover(disc)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return cli.CompleteNames(cmd.Context(), f, api.Clusters(), true, prefix), cobra.ShellCompDirectiveNoFileComp
	}
}
