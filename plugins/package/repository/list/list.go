// Package list implements `kubectl tko package repository list`.
package list

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository list`.
type Options struct {
	common.VerbOptions
	AllNamespaces bool
}

// NewCmd returns `repository list`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use: "list [-A]", Aliases: []string{"ls"},
		Short:   "List package repositories with their source and state",
		Example: cmdutil.Examples(`kubectl tko package repository list -A -o wide`),
		Args:    cmdutil.NoArgs,
		RunE:    cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List repositories in all namespaces.")
	return cmd
}

// Run lists the repositories.
func (o *Options) Run(ctx context.Context) error {
	c, ns, err := common.ListScope(o.Factory, o.AllNamespaces)
	if err != nil {
		return err
	}
	repos, err := c.ListRepositories(ctx, ns)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, common.Objects(repos, func(r *carvel.Repository) *unstructured.Unstructured { return r.Object }), false)
	}
	if len(repos) == 0 {
		fmt.Fprintln(o.Streams.ErrOut, "No package repositories found.")
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAMESPACE", Hidden: !o.AllNamespaces}, {Header: "NAME"}, {Header: "SOURCE"}, {Header: "STATUS"}, {Header: "AGE"}, {Header: "MESSAGE", Wide: true}}}
	for _, r := range repos {
		t.Rows = append(t.Rows, []string{r.Namespace, r.Name, r.Source(), r.State(), common.Age(r.Object), cmdutil.OrDash(carvel.Headline(r.Status.UsefulErrorMessage))})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
