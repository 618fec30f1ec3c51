// Package available implements `kubectl tko package available`: the
// packages the repositories offer, their versions and values.
package available

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// NewCmd returns the available noun with its verbs.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "available",
		Short: "Packages the repositories offer: versions, release dates, values schema",
		Example: cli.Examples(`
			kubectl tko package available list
			kubectl tko package available list -p contour.tanzu.vmware.com
			kubectl tko package available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 --values-schema`),
	}
	cmd.AddCommand(newCmdList(f, streams), newCmdGet(f, streams))
	return cmd
}

// Options holds the flags of `available list` and `available get`.
type Options struct {
	Factory       *cli.Factory
	Streams       genericiooptions.IOStreams
	Output        *cli.OutputFlags
	Package       string
	Version       string
	ValuesSchema  bool
	DefaultValues string
}

func newCmdList(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "list [-p PACKAGE]",
		Aliases: []string{"ls"},
		Short:   "List available packages, or the versions of one",
		Long: cli.LongDesc(`
			List the packages installable in the namespace (its repositories and the
			global ones): display name, short description and newest version. With -p,
			every version of one package, newest first, with its release date.`),
		Example: cli.Examples(`
			kubectl tko package available list -n tanzu-packages
			kubectl tko package available list -p contour.tanzu.vmware.com -o wide`),
		Args: cli.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.RunList(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVarP(&o.Package, "package", "p", "", "List the versions of this package.")
	_ = cmd.RegisterFlagCompletionFunc("package", common.CompletePackages(f))
	return cmd
}

// RunList lists packages or versions.
func (o *Options) RunList(ctx context.Context) error {
	cat, err := o.catalog(ctx)
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
		t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "VERSION"}, {Header: "RELEASED-AT"},
			{Header: "KUBERNETES", Wide: true}, {Header: "LICENSES", Wide: true}}}
		for _, p := range versions {
			k8s := "-"
			if s := p.Spec.KubernetesVersionSelection; s != nil && s.Constraints != "" {
				k8s = s.Constraints
			}
			t.Rows = append(t.Rows, []string{p.Spec.RefName, p.Spec.Version, cli.OrDash(p.Spec.ReleasedAt), k8s, cli.OrDash(strings.Join(p.Spec.Licenses, ", "))})
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
	t := cli.Table{Columns: []cli.Column{{Header: "NAME"}, {Header: "DISPLAY-NAME"}, {Header: "SHORT-DESCRIPTION"}, {Header: "LATEST-VERSION"},
		{Header: "VERSIONS", Wide: true}, {Header: "PROVIDER", Wide: true}}}
	for _, n := range names {
		display, desc, provider := "-", "-", "-"
		if m := cat.Metadata[n]; m != nil {
			display, desc, provider = cli.OrDash(m.Spec.DisplayName), cli.OrDash(m.Spec.ShortDescription), cli.OrDash(m.Spec.ProviderName)
		}
		latest := "-"
		if v := cat.Versions[n]; len(v) > 0 {
			latest = v[0].Spec.Version
		}
		t.Rows = append(t.Rows, []string{n, display, desc, latest, fmt.Sprint(len(cat.Versions[n])), provider})
	}
	return t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}

// catalog reads what the namespace can install.
func (o *Options) catalog(ctx context.Context) (*carvel.Catalog, error) {
	c, err := common.Connect(o.Factory, true)
	if err != nil {
		return nil, err
	}
	return c.LoadCatalog(ctx, c.Namespace)
}

func newCmdGet(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:     "get PACKAGE[/VERSION] [--values-schema] [--default-values-file-output FILE]",
		Aliases: []string{"describe"},
		Short:   "Show a package, or one version: its values schema and default values",
		Long: cli.LongDesc(`
			Show a package (description, versions) or one version of it (release date,
			licenses, requirements). --values-schema lists every value the version
			accepts with its type, default and description; --default-values-file-output
			writes the defaults as a values file to start from (mode 0600, as values
			often end up holding credentials). Without a version, the newest is used.`),
		Example: cli.Examples(`
			kubectl tko package available get contour.tanzu.vmware.com
			kubectl tko package available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 --values-schema
			kubectl tko package available get contour.tanzu.vmware.com --default-values-file-output contour.yaml`),
		Args:              cli.ExactArgs("PACKAGE[/VERSION]"),
		ValidArgsFunction: common.CompletePackages(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Package, o.Version, _ = strings.Cut(args[0], "/")
			if err := o.Output.Validate(); err != nil {
				return err
			}
			return o.RunGet(cmd.Context())
		},
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.ValuesSchema, "values-schema", false, "List the values the version accepts.")
	cmd.Flags().StringVar(&o.DefaultValues, "default-values-file-output", "", "Write the default values to this file.")
	_ = cmd.MarkFlagFilename("default-values-file-output", "yaml", "yml")
	return cmd
}

// RunGet shows a package or a version.
func (o *Options) RunGet(ctx context.Context) error {
	cat, err := o.catalog(ctx)
	if err != nil {
		return err
	}
	pkg, err := cat.Resolve(o.Package, o.Version, "")
	if err != nil {
		return err
	}
	schema := pkg.Spec.ValuesSchema.OpenAPIv3
	if o.DefaultValues != "" {
		defaults := carvel.Defaults(schema)
		if defaults == nil {
			defaults = map[string]any{}
		}
		raw, err := yaml.Marshal(defaults)
		if err != nil {
			return fmt.Errorf("encoding default values: %w", err)
		}
		header := fmt.Sprintf("# Default values of %s %s\n", pkg.Spec.RefName, pkg.Spec.Version)
		if err := os.WriteFile(o.DefaultValues, append([]byte(header), raw...), 0o600); err != nil {
			return fmt.Errorf("writing default values: %w", err)
		}
		fmt.Fprintf(o.Streams.ErrOut, "default values of %s %s written to %s\n", pkg.Spec.RefName, pkg.Spec.Version, o.DefaultValues)
		return nil
	}
	if o.ValuesSchema {
		fields := carvel.SchemaFields(schema)
		if !o.Output.Human() {
			return o.Output.PrintData(o.Streams.Out, fields)
		}
		if len(fields) == 0 {
			fmt.Fprintf(o.Streams.ErrOut, "%s %s declares no values schema.\n", pkg.Spec.RefName, pkg.Spec.Version)
			return nil
		}
		t := cli.Table{Columns: []cli.Column{{Header: "KEY"}, {Header: "TYPE"}, {Header: "DEFAULT"}, {Header: "DESCRIPTION"}}}
		for _, fl := range fields {
			def := ""
			if fl.Default != nil {
				b, _ := yaml.Marshal(fl.Default)
				def = strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "\\n")
			}
			t.Rows = append(t.Rows, []string{fl.Key, fl.Type, def, fl.Description})
		}
		return t.Print(o.Streams.Out, false, o.Output.NoHeaders)
	}
	if !o.Output.Human() {
		obj := pkg.Object
		if o.Version == "" {
			if m := cat.Metadata[o.Package]; m != nil {
				obj = m.Object
			}
		}
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{obj}, true)
	}
	w := o.Streams.Out
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-19s %s\n", k+":", v)
		}
	}
	row("Name", pkg.Spec.RefName)
	if m := cat.Metadata[o.Package]; m != nil {
		row("Display name", m.Spec.DisplayName)
		row("Short description", m.Spec.ShortDescription)
		row("Provider", m.Spec.ProviderName)
		row("Support", m.Spec.SupportDescription)
	}
	if o.Version == "" {
		var versions []string
		for _, p := range cat.Versions[o.Package] {
			versions = append(versions, p.Spec.Version)
		}
		row("Versions", strings.Join(versions, ", "))
		return nil
	}
	row("Version", pkg.Spec.Version)
	row("Released at", pkg.Spec.ReleasedAt)
	row("Licenses", strings.Join(pkg.Spec.Licenses, ", "))
	if s := pkg.Spec.KubernetesVersionSelection; s != nil {
		row("Kubernetes", s.Constraints)
	}
	if s := pkg.Spec.KappControllerVersionSelection; s != nil {
		row("kapp-controller", s.Constraints)
	}
	row("Values", fmt.Sprintf("%d documented (list them with --values-schema)", len(carvel.SchemaFields(schema))))
	return nil
}
