package install

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// NewCmdUpdate returns `installed update`.
func NewCmdUpdate(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), Timeout: 10 * time.Minute, Update: true, RBAC: carvel.RBACClusterAdmin}
	cmd := &cobra.Command{
		Use:   "update NAME [--version VERSION | --version-constraint C] [--values-file FILE] [--values KEY=VALUE]... [--diff]",
		Short: "Change an install's version or values, showing the difference first",
		Long: cli.LongDesc(`
			Change the version or the values of an install. --diff (or --dry-run) shows
			the version change and every changed value before anything is written.

			The update is applied the way kctrl does it, so a half-applied update never
			reconciles: the PackageInstall is paused, the values Secret rewritten, then the
			version set and the install unpaused in one write. New values replace the old
			ones (pass the whole values file); without --values-file/--values the values
			are kept.`),
		Example: cli.Examples(`
			# Show what changes, then apply and wait
			kubectl tko package installed update contour -n tanzu-packages -f contour.yaml --diff
			kubectl tko package installed update contour -n tanzu-packages -f contour.yaml --wait

			# Move to a newer version, keeping the values
			kubectl tko package installed update contour --version 1.26.1+vmware.1-tkg.1`),
		Args:              cli.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0]
			o.Complete(cmd)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.Diff, "diff", false, "Print the version and values that change (values are shown: you asked for them).")
	return cmd
}

func (o *Options) runUpdate(ctx context.Context, c *carvel.Client, current *carvel.Install, spec *carvel.InstallSpec) error {
	plan, err := c.PlanUpdate(ctx, current, spec)
	if err != nil {
		return err
	}
	report := func(result string) error {
		if !o.Output.Human() {
			return o.Output.PrintData(o.Streams.Out, map[string]any{"name": current.Name, "namespace": current.Namespace,
				"result": result, "changes": plan.Changes, "dryRun": o.DryRun})
		}
		fmt.Fprintf(o.Streams.Out, "packageinstall.packaging.carvel.dev/%s %s\n", current.Name, result)
		return nil
	}
	if len(plan.Changes) == 0 {
		return report("unchanged")
	}
	if (o.Diff || o.DryRun) && o.Output.Human() {
		for _, ch := range plan.Changes {
			line := ch.String()
			if !o.Diff && strings.HasPrefix(ch.Path, "values.") {
				line = ch.Path + ": changed (pass --diff to see values)"
			}
			fmt.Fprintf(o.Streams.Out, "  %s\n", line)
		}
	}
	if o.DryRun {
		return report("would be updated (dry run)")
	}
	if err := c.ApplyUpdate(ctx, plan); err != nil {
		return err
	}
	if err := report("updated"); err != nil {
		return err
	}
	if current.Spec.Paused {
		fmt.Fprintf(o.Streams.ErrOut, "the install is paused: kapp-controller applies the update once it is resumed ('kubectl tko package installed resume %s -n %s')\n", current.Name, current.Namespace)
		return nil
	}
	if !o.Wait {
		return nil
	}
	return o.waitAll(ctx, c, []*carvel.InstallSpec{spec})
}
