// Package get implements `kubectl tko package installed get`.
package get

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `installed get`.
type Options struct {
	common.VerbOptions
	ShowValues bool
}

// NewCmd returns `installed get`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use:     "get NAME [--values]",
		Aliases: []string{"describe"},
		Short:   "Show one install: package, versions, state, values Secret and the full error",
		Long: cmdutil.LongDesc(`
			Show an install: its package and versions, state and conditions, the objects
			created for it, and kapp-controller's useful error message in full. Values
			stay in their Secret unless --values asks for them.`),
		Example: cmdutil.Examples(`
			kubectl tko package installed get contour -n tanzu-packages
			kubectl tko package installed get contour -n tanzu-packages --values > contour-values.yaml
			kubectl tko package installed get contour -o jsonpath='{.status.version}'`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.ShowValues, "values", false, "Print the install's values (YAML) instead of the summary.")
	return cmd
}

// Run shows the install.
func (o *Options) Run(ctx context.Context) error {
	c, in, app, err := common.InstallAndApp(ctx, o.Factory, o.Name)
	if err != nil {
		return err
	}
	if o.ShowValues {
		_, text, err := c.ReadValues(ctx, in)
		if err != nil {
			return err
		}
		_, err = io.WriteString(o.Streams.Out, text)
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{in.Object}, true)
	}
	w := o.Streams.Out
	printInstall(w, in)
	if app != nil {
		common.PrintStages(w, app, false)
	}
	common.PrintError(w, in.Status.UsefulErrorMessage)
	return nil
}

func printInstall(w io.Writer, in *carvel.Install) {
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-17s %s\n", k+":", v)
		}
	}
	row("Name", in.Name)
	row("Namespace", in.Namespace)
	row("Package", in.Spec.PackageRef.RefName)
	row("Version", in.Status.Version)
	row("Asked for", in.Constraint())
	if in.Status.LastAttemptedVersion != "" && in.Status.LastAttemptedVersion != in.Status.Version {
		row("Last attempted", in.Status.LastAttemptedVersion)
	}
	row("Status", in.State())
	row("Description", in.Status.FriendlyDescription)
	if cl := in.Cluster(); cl != "" {
		target := in.Spec.Cluster.KubeconfigSecretRef.Name
		if in.Spec.Cluster.Namespace != "" {
			target += ", namespace " + in.Spec.Cluster.Namespace
		}
		row("Cluster", cl+" (kubeconfig Secret "+target+")")
	}
	row("Service account", in.Spec.ServiceAccountName)
	if s := in.ValuesSecrets(); len(s) > 0 {
		row("Values", "Secret "+strings.Join(s, ", ")+" (print with --values)")
	}
	owned := carvel.Owned(in)
	if len(owned) > 0 {
		names := make([]string, 0, len(owned))
		for _, o := range owned {
			names = append(names, o.String())
		}
		row("Created for it", strings.Join(names, ", "))
	}
	common.PrintConditions(w, in.Status.Conditions)
}
