// Package recipes implements `kubectl tko cluster policy recipes`.
package recipes

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// Options holds the flags of `policy recipes`.
type Options struct {
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
	Type    string
}

// NewCmd returns the recipes command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "recipes [TYPE]",
		Short: "List the policy types and recipes, and the Kubernetes objects each becomes",
		Long: cmdutil.LongDesc(`
			List the recipes of each policy type, as Tanzu Mission Control names them
			(security baseline and strict, image registry allowed-name-tag,
			block-latest-tag and require-digest, the six network templates, namespace
			quota small, medium, large and custom), and what each is rendered to.
			Needs no cluster.`),
		Example: cmdutil.Examples(`
			# Every recipe
			kubectl tko cluster policy recipes

			# Those of one type, with the objects they become
			kubectl tko cluster policy recipes network -o wide`),
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: policy.Types,
		RunE:      cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete takes the type.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Type = args[0]
	}
	return nil
}

// Validate checks the type and -o.
func (o *Options) Validate() error {
	if o.Type != "" && !slices.Contains(policy.Types, o.Type) {
		return cmdutil.FlagErrorf("unknown policy type %q: use one of %s", o.Type, strings.Join(policy.Types, ", "))
	}
	return o.Output.Validate()
}

// Run prints the recipes.
func (o *Options) Run(context.Context) error {
	var rows []policy.Recipe
	for _, r := range policy.Recipes {
		if o.Type == "" || r.Type == o.Type {
			rows = append(rows, r)
		}
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, rows)
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "TYPE"}, {Header: "RECIPE"}, {Header: "DESCRIPTION"}, {Header: "RENDERS", Wide: true}}}
	w := t.Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	for _, r := range rows {
		w.Write([]string{r.Type, r.Name, r.Description, r.Renders})
	}
	return w.Flush()
}
