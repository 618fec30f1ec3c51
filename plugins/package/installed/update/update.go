// Package update implements `kubectl tko package installed update`.
package update

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/install"
)

// Options holds the flags of `installed update`: the install must exist,
// and the package and values default to the current ones.
type Options struct {
	install.Request
	Diff bool
}

// NewCmd returns `installed update`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Request: install.NewRequest(streams)}
	cmd := &cobra.Command{
		Use:   "update NAME [--version VERSION | --version-constraint C] [--values-file FILE] [--values KEY=VALUE]... [--diff]",
		Short: "Change an install's version or values, showing the difference first",
		Long: cmdutil.LongDesc(`
			Change the version or the values of an install. --diff (or --dry-run) shows
			the version change and every changed value before anything is written.

			The update is applied the way kctrl does it, so a half-applied update never
			reconciles: the PackageInstall is paused, the values Secret rewritten, then the
			version set and the install unpaused in one write. New values replace the old
			ones (pass the whole values file); without --values-file/--values the values
			are kept.`),
		Example: cmdutil.Examples(`
			# Show what changes, then apply and wait
			kubectl tko package installed update contour -n tanzu-packages -f contour.yaml --diff
			kubectl tko package installed update contour -n tanzu-packages -f contour.yaml --wait

			# Move to a newer version, keeping the values
			kubectl tko package installed update contour --version 1.26.1+vmware.1-tkg.1`),
		Args:              cmdutil.ExactArgs("NAME"),
		ValidArgsFunction: common.CompleteInstalls(f),
		RunE:              cli.RunE(f, o),
	}
	o.AddFlags(cmd, "Print what would change and change nothing: client (default when given) or server (the API server checks the new values Secret and install too).")
	cmd.Flags().BoolVar(&o.Diff, "diff", false, "Print the version and values that change (values are shown: you asked for them).")
	return cmd
}

// Run updates the install: a plan of one install, applied by the same
// engine as `package install` and `package apply`.
func (o *Options) Run(ctx context.Context) error {
	c, err := common.Connect(o.Factory, true)
	if err != nil {
		return err
	}
	current, err := c.GetInstall(ctx, c.Namespace, o.Name)
	if err != nil {
		return err
	}
	if o.Package == "" {
		o.Package = current.Spec.PackageRef.RefName
	}
	values, err := o.LoadValues()
	if err != nil {
		return err
	}
	cat, err := c.LoadCatalog(ctx, c.Namespace)
	if err != nil {
		return err
	}
	version, constraint := o.Version, o.VersionConstraint
	if version == "" && constraint == "" {
		// Keep what the install asks for: its exact version or its constraint.
		constraint = current.Constraint()
		for _, p := range cat.Versions[o.Package] {
			if p.Spec.Version == constraint {
				version, constraint = constraint, ""
			}
		}
	}
	pkg, constraint, err := o.Resolve(cat, version, constraint, values)
	if err != nil {
		return err
	}
	spec := &carvel.InstallSpec{Name: o.Name, Namespace: c.Namespace, Package: pkg, Constraint: constraint, Values: values, RBAC: carvel.RBACClusterAdmin}
	step, err := c.PlanStep(ctx, spec, current)
	if err != nil {
		return err
	}
	report := func(verb string, dryRun bool) error {
		if !o.Output.Human() {
			result := verb
			if dryRun {
				result += " (dry run)"
			}
			return o.Output.PrintData(o.Streams.Out, map[string]any{"name": current.Name, "namespace": current.Namespace,
				"result": result, "changes": step.Changes, "dryRun": o.DryRun.Any()})
		}
		return cli.PrintAction(o.Streams.Out, common.Ref("PackageInstall", current.Name), verb, dryRun)
	}
	if len(step.Changes) == 0 {
		return report("unchanged", false)
	}
	if (o.Diff || o.DryRun.Any()) && o.Output.Human() {
		for _, ch := range step.Changes {
			line := ch.String()
			if !o.Diff && strings.HasPrefix(ch.Path, "values.") {
				line = ch.Path + ": changed (pass --diff to see values)"
			}
			fmt.Fprintf(o.Streams.Out, "  %s\n", line)
		}
	}
	plan := &carvel.StackPlan{Steps: []carvel.StackStep{step}}
	if o.DryRun.Server() {
		if err := o.Apply(ctx, c, plan, func(carvel.StackStep) {}); err != nil {
			return err
		}
	}
	if o.DryRun.Any() {
		return report("would be updated", true)
	}
	var printErr error
	err = o.Apply(ctx, c, plan, func(carvel.StackStep) {
		printErr = report("updated", false)
	})
	return errors.Join(err, printErr)
}
