// Package get implements `kubectl tko package available get`.
package get

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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `available get`.
type Options struct {
	common.VerbOptions
	Package       string
	Version       string
	ValuesSchema  bool
	DefaultValues string
}

// NewCmd returns `available get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use:     "get PACKAGE[/VERSION] [--values-schema] [--default-values-file-output FILE]",
		Aliases: []string{"describe"},
		Short:   "Show a package, or one version: its values schema and default values",
		Long: cmdutil.LongDesc(`
			Show a package (description, versions) or one version of it (release date,
			licenses, requirements). --values-schema lists every value the version
			accepts with its type, default and description; --default-values-file-output
			writes the defaults as a values file to start from (mode 0600, as values
			often end up holding credentials). Without a version, the newest is used.`),
		Example: cmdutil.Examples(`
			kubectl tko package available get contour.tanzu.vmware.com
			kubectl tko package available get contour.tanzu.vmware.com/1.26.1+vmware.1-tkg.1 --values-schema
			kubectl tko package available get contour.tanzu.vmware.com --default-values-file-output contour.yaml`),
		Args:              cmdutil.ExactArgs("PACKAGE[/VERSION]"),
		ValidArgsFunction: common.CompletePackages(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.ValuesSchema, "values-schema", false, "List the values the version accepts.")
	cmd.Flags().StringVar(&o.DefaultValues, "default-values-file-output", "", "Write the default values to this file.")
	_ = cmd.MarkFlagFilename("default-values-file-output", "yaml", "yml")
	return cmd
}

// Complete takes the factory and PACKAGE[/VERSION].
func (o *Options) Complete(f *cli.Factory, _ *cobra.Command, args []string) error {
	o.Factory = f
	o.Package, o.Version, _ = strings.Cut(args[0], "/")
	return nil
}

// Run shows a package or a version.
func (o *Options) Run(ctx context.Context) error {
	cat, err := common.Catalog(ctx, o.Factory)
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
		t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "KEY"}, {Header: "TYPE"}, {Header: "DEFAULT"}, {Header: "DESCRIPTION"}}}
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
