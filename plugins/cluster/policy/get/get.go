// Package get implements `kubectl tko cluster policy get`.
package get

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags of `policy get`.
type Options struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Name    string
}

// NewCmd returns the get command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "get NAME",
		Short: "Print a policy of the current cluster as a ClusterPolicy document",
		Long: cmdutil.LongDesc(`
			Print a policy as it was applied to the current cluster, as the ClusterPolicy
			document 'policy apply -f' takes (YAML unless -o says otherwise): to keep
			it in git, or to apply it to other clusters.`),
		Example: cmdutil.Examples(`
			# Export a policy and apply it to the prod workload clusters
			kubectl tko cluster policy get harbor-only > harbor-only.yaml
			kubectl tko cluster policy apply -f harbor-only.yaml --cluster-selector tkg.tanzu.vmware.com/cluster-plan=prod`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the name; YAML is the default output.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	o.Name = args[0]
	o.Output.Default("yaml")
	return nil
}

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints the policy.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect(policy.Requirement)
	if err != nil {
		return err
	}
	rec, err := policy.GetRecord(ctx, c.Dynamic, o.Name)
	if err != nil {
		return err
	}
	return o.Output.PrintData(o.Streams.Out, rec.Policy)
}
