// Package status implements `kubectl tko package installed status`.
package status

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

// Options holds the flags of `installed status`.
type Options struct{ common.VerbOptions }

// NewCmd returns `installed status`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true)}
	cmd := &cobra.Command{
		Use:   "status NAME",
		Short: "Show how kapp-controller's last reconcile went: fetch, template and deploy, in full",
		Long: cmdutil.LongDesc(`
			Show the App behind an install: each stage of the last reconcile (fetch,
			template, deploy) with its exit code and its full error output, never
			truncated. -o prints the App object.`),
		Example: cmdutil.Examples(`
			kubectl tko package installed status prometheus -n tanzu-packages`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Run shows the App's stages.
func (o *Options) Run(ctx context.Context) error {
	_, in, app, err := common.InstallAndApp(ctx, o.Factory, o.Name)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		if app == nil {
			return fmt.Errorf("package install %s/%s has no App yet: kapp-controller has not reconciled it", in.Namespace, in.Name)
		}
		return o.Output.PrintObjects(o.Streams.Out, []*unstructured.Unstructured{app.Object}, true)
	}
	w := o.Streams.Out
	fmt.Fprintf(w, "%s/%s: %s\n", in.Namespace, in.Name, in.State())
	if app != nil {
		common.PrintStages(w, app, true)
	}
	common.PrintError(w, in.Status.UsefulErrorMessage)
	return nil
}
