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
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `repository list`.
type Options struct {
	common.Base
	AllNamespaces bool
}

// NewCmd returns `repository list`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Base: common.NewBase(streams, true)}
	cmd := &cobra.Command{
		Use: "list [-A]", Aliases: []string{"ls"},
		Short:   "List package repositories with their source and state",
		Example: cli.Examples(`kubectl tko package repository list -A -o wide`),
		Args:    cli.NoArgs,
		RunE:    common.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVarP(&o.AllNamespaces, "all-namespaces", "A", false, "List repositories in all namespaces.")
	return cmd
}

// Run lists the repositories.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, false)
	if err != nil {
		return err
	}
	ns := c.Namespace
	if o.AllNamespaces {
		ns = ""
	}
	repos, err := c.ListRepositories(ctx, ns)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		objs := make([]*unstructured.Unstructured, 0, len(repos))
		for _, r := range repos {
			objs = append(objs, r.Object)
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, false)
	}
	if len(repos) == 0 {
		fmt.Fprintln(o.Streams.ErrOut, "No package repositories found.")
		return nil
	}
	t := cli.Table{Columns: []cli.Column{{Header: "NAMESPACE", Hidden: !o.AllNamespaces}, {Header: "NAME"}, {Header: "SOURCE"}, {Header: "STATUS"}, {Header: "AGE"}, {Header: "MESSAGE", Wide: true}}}
	for _, r := range repos {
		t.Rows = append(t.Rows, []string{r.Namespace, r.Name, r.Source(), r.State(), common.Age(r.Object), cli.OrDash(carvel.Headline(r.Status.UsefulErrorMessage))})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
