// Package apply implements `kubectl tko package apply`: a stack of
// installs applied in dependency order.
package apply

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Options holds the flags of `package apply`.
type Options struct {
	common.VerbOptions
	File    string
	Profile string
	Export  bool
	DryRun  cmdutil.DryRun
	cmdutil.WaitFlags
}

// NewCmd returns the apply command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{VerbOptions: common.NewVerbOptions(streams, true), WaitFlags: cmdutil.WaitFlags{Wait: true, Timeout: 10 * time.Minute}}
	cmd := &cobra.Command{
		Use:   "apply (-f STACK.yaml | --profile NAME)",
		Short: "Apply a stack of packages in dependency order",
		Long: cmdutil.LongDesc(`
			Apply a PackageStack: a declared set of installs with dependencies (format in
			docs/package-stacks.md). Every install is resolved and its values validated
			before anything changes; then the installs are applied wave by wave in
			dependency order, each wave waited for (by watch) before the next starts.
			The first failure stops the apply and names what was and was not applied.
			Applying a converged stack changes nothing.

			--profile tko-shared-services is the TKO reference design's shared services:
			cert-manager, then Contour, then ExternalDNS, Prometheus, Grafana and Harbor,
			with Fluent Bit and Multus alongside. --export prints a profile as a stack
			file to adapt (add values, pin versions).`),
		Example: cmdutil.Examples(`
			# What would change
			kubectl tko package apply --profile tko-shared-services --dry-run

			# Apply it, waiting for each wave
			kubectl tko package apply --profile tko-shared-services

			# Start your own stack from the profile
			kubectl tko package apply --profile tko-shared-services --export > stack.yaml
			kubectl tko package apply -f stack.yaml`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	cmd.Flags().StringVarP(&o.File, "filename", "f", "", "Stack file ('-' reads standard input).")
	cmd.Flags().StringVar(&o.Profile, "profile", "", "A built-in stack: "+strings.Join(carvel.ProfileNames(), ", ")+".")
	cmd.Flags().BoolVar(&o.Export, "export", false, "Print the profile's stack file instead of applying it.")
	cmdutil.AddDryRunFlag(cmd, &o.DryRun, "Print the plan (create, update or unchanged per install) and change nothing: client (default when given) or server (the API server checks every install too).")
	o.AddWaitFlag(cmd, "Wait for each wave to reconcile before the next (without it, dependency order is only creation order)")
	o.AddTimeoutFlag(cmd, "--wait waits for each install")
	_ = cmd.MarkFlagFilename("filename", "yaml", "yml")
	cmdutil.CompleteValues(cmd, "profile", carvel.ProfileNames()...)
	return cmd
}

// Complete takes the factory; a dry run does not wait.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	o.WaitFlags.Complete(cmd, o.Streams.ErrOut, o.DryRun)
	return o.VerbOptions.Complete(f, cmd, args)
}

// Validate checks the flags.
func (o *Options) Validate() error {
	if err := o.Output.Validate(); err != nil {
		return err
	}
	if err := o.WaitFlags.Validate(o.DryRun); err != nil {
		return err
	}
	if (o.File == "") == (o.Profile == "") {
		return cmdutil.FlagErrorf("give a stack with -f FILE or --profile NAME (one of them)")
	}
	if o.Profile != "" {
		if _, ok := carvel.Profiles[o.Profile]; !ok {
			return cmdutil.Usagef("unknown profile %q: use one of %s", o.Profile, strings.Join(carvel.ProfileNames(), ", "))
		}
	}
	if o.Export && o.Profile == "" {
		return cmdutil.FlagErrorf("--export goes with --profile")
	}
	return nil
}

// Run plans and applies the stack.
func (o *Options) Run(ctx context.Context) error {
	var raw []byte
	file := o.File
	if o.Profile != "" {
		raw, file = []byte(carvel.Profiles[o.Profile]), "profile "+o.Profile
		if o.Export {
			_, err := io.WriteString(o.Streams.Out, carvel.Profiles[o.Profile])
			return err
		}
	} else {
		var err error
		if raw, err = yamldoc.ReadFile(o.File, o.Streams.In); err != nil {
			return err
		}
	}
	stack, err := carvel.ParseStack(file, raw)
	if err != nil {
		return err
	}
	c, err := common.Connect(o.Factory, true)
	if err != nil {
		return err
	}
	plan, err := c.PlanStack(ctx, stack, func(path string) ([]byte, error) { return os.ReadFile(path) })
	if err != nil {
		return err
	}
	if o.DryRun.Server() {
		if err := check(ctx, c, plan); err != nil {
			return err
		}
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, plan)
	}
	o.printPlan(plan)
	if o.DryRun.Any() {
		return nil
	}
	if plan.Converged() {
		fmt.Fprintln(o.Streams.ErrOut, "stack is converged: nothing to do")
		return nil
	}
	start := time.Now()
	opts := carvel.ApplyOptions{Wait: o.Wait, Timeout: o.Timeout, Progress: o.Streams.ErrOut, Verbose: cmdutil.WaitProgress(o.Streams.ErrOut)}
	if err := c.ApplyStack(ctx, plan, opts); err != nil {
		return err
	}
	fmt.Fprintf(o.Streams.ErrOut, "stack %s applied (%d installs) in %s\n", stack.Name, len(plan.Steps), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// check has the API server check every install of the plan: nothing is
// stored, nothing is waited for. A dry run cannot create namespaces, and
// nothing can be checked in one that does not exist.
func check(ctx context.Context, c *carvel.Client, plan *carvel.StackPlan) error {
	if len(plan.NewNamespaces) > 0 {
		return cmdutil.Usagef("--dry-run=server: namespace(s) %s do not exist and a dry run does not create them: create them first, or use --dry-run",
			strings.Join(plan.NewNamespaces, ", "))
	}
	return c.ApplyStack(ctx, plan, carvel.ApplyOptions{DryRun: true, Progress: io.Discard})
}

func (o *Options) printPlan(plan *carvel.StackPlan) {
	for _, ns := range plan.NewNamespaces {
		fmt.Fprintf(o.Streams.Out, "namespace %s: create\n", ns)
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "WAVE"}, {Header: "NAMESPACE"}, {Header: "NAME"}, {Header: "PACKAGE"}, {Header: "VERSION"},
		{Header: "ACTION"}, {Header: "STATE"}, {Header: "DEPENDS-ON", Wide: true}}}
	for _, s := range plan.Steps {
		action := map[carvel.Result]string{carvel.Created: "create", carvel.Updated: "update", carvel.Unchanged: "unchanged"}[s.Action]
		if len(s.Changes) > 0 {
			var paths []string
			for _, ch := range s.Changes {
				paths = append(paths, ch.Path)
			}
			action += " (" + strings.Join(paths, ", ") + ")"
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(s.Wave), s.Namespace, s.Name, s.Package, s.Version, action, cmdutil.OrDash(s.State), cmdutil.OrDash(strings.Join(s.DependsOn, ","))})
	}
	_ = t.Print(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
}
