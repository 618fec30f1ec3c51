// Package get implements `kubectl tko package repository get`.
package get

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository get`.
type Options struct{ common.VerbOptions }

// NewCmd returns `repository get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use: "get NAME", Aliases: []string{"describe"},
		Short:             "Show a package repository: source, conditions and the full error",
		Example:           cmdutil.Examples(`kubectl tko package repository get tanzu-standard -n tkg-system`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteRepositories(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run shows the repository.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	r, err := c.GetRepository(ctx, c.Namespace, o.Name)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{r.Object}, true)
	}
	w := o.Streams.Out
	fmt.Fprintf(w, "Name:        %s\nNamespace:   %s\nSource:      %s\nStatus:      %s\n", r.Name, r.Namespace, r.Source(), r.State())
	if r.Status.FriendlyDescription != "" {
		fmt.Fprintf(w, "Description: %s\n", r.Status.FriendlyDescription)
	}
	common.PrintConditions(w, r.Status.Conditions)
	common.PrintError(w, r.Status.UsefulErrorMessage)
	return nil
}
