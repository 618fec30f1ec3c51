// Package list implements `kubectl tko package available list`.
package list

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `available list`.
type Options struct {
	common.VerbOptions
	Package string
}

// NewCmd returns `available list`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use:     "list [-p PACKAGE]",
		Aliases: []string{"ls"},
		Short:   "List available packages, or the versions of one",
		Long: cmdutil.LongDesc(`
			List the packages installable in the namespace (its repositories and the
			global ones): display name, short description and newest version. With -p,
			every version of one package, newest first, with its release date.`),
		Example: cmdutil.Examples(`
			kubectl tko package available list -n tanzu-packages
			kubectl tko package available list -p contour.tanzu.vmware.com -o wide`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVarP(&o.Package, "package", "p", "", "List the versions of this package.")
	_ = cmd.RegisterFlagCompletionFunc("package", common.CompletePackages(f))
	return cmd
}

// Run lists packages or versions.
func (o *Options) Run(ctx context.Context) error {
	cat, err := common.Catalog(ctx, o.Factory)
	if err != nil {
		return err
	}
	if o.Package != "" {
		if _, err := cat.Resolve(o.Package, "", ""); err != nil {
			return err
		}
		versions := cat.Versions[o.Package]
		if !o.Output.Human() {
			objs := make([]*unstructured.Unstructured, 0, len(versions))
			for _, p := range versions {
				objs = append(objs, p.Object)
			}
			return o.Output.PrintObjects(o.Streams.Out, objs, false)
		}
		t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "VERSION"}, {Header: "RELEASED-AT"},
			{Header: "KUBERNETES", Wide: true}, {Header: "LICENSES", Wide: true}}}
		for _, p := range versions {
			k8s := ""
			if s := p.Spec.KubernetesVersionSelection; s != nil {
				k8s = s.Constraints
			}
			t.Rows = append(t.Rows, []string{p.Spec.RefName, p.Spec.Version, cmdutil.OrDash(p.Spec.ReleasedAt), cmdutil.OrDash(k8s), cmdutil.OrDash(strings.Join(p.Spec.Licenses, ", "))})
		}
		return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	}
	names := cat.Names()
	if !o.Output.Human() {
		var objs []*unstructured.Unstructured
		for _, n := range names {
			if m := cat.Metadata[n]; m != nil {
				objs = append(objs, m.Object)
			}
		}
		return o.Output.PrintObjects(o.Streams.Out, objs, false)
	}
	if len(names) == 0 {
		fmt.Fprintf(o.Streams.ErrOut, "No packages available in namespace %s: add a repository with 'kubectl tko package repository add'.\n", cat.Namespace)
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "DISPLAY-NAME"}, {Header: "SHORT-DESCRIPTION"}, {Header: "LATEST-VERSION"},
		{Header: "VERSIONS", Wide: true}, {Header: "PROVIDER", Wide: true}}}
	for _, n := range names {
		var display, desc, provider, latest string
		if m := cat.Metadata[n]; m != nil {
			display, desc, provider = m.Spec.DisplayName, m.Spec.ShortDescription, m.Spec.ProviderName
		}
		if v := cat.Versions[n]; len(v) > 0 {
			latest = v[0].Spec.Version
		}
		t.Rows = append(t.Rows, []string{n, cmdutil.OrDash(display), cmdutil.OrDash(desc), cmdutil.OrDash(latest), fmt.Sprint(len(cat.Versions[n])), cmdutil.OrDash(provider)})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
