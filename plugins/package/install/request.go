package install

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/package/common"
)

// Request is what `package install` and `installed update` share: the
// install's name, the package version and values, dry run and wait.
type Request struct {
	Factory *cli.Factory
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags

	Name              string
	Package           string
	Version           string
	VersionConstraint string
	ValuesFile        string
	Values            []string
	DryRun            cmdutil.DryRun
	ShowValues        bool
	cmdutil.WaitFlags
}

// NewRequest returns a Request with the flags' defaults.
func NewRequest(streams genericiooptions.IOStreams) Request {
	return Request{Streams: streams, Output: cli.NewOutputFlags(), WaitFlags: cmdutil.WaitFlags{Timeout: 10 * time.Minute, OnTerminal: true}}
}

// AddFlags registers the flags install and update share; dryRunHelp says
// what --dry-run checks.
func (r *Request) AddFlags(cmd *cobra.Command, dryRunHelp string) {
	r.Output.AddFlags(cmd)
	cmd.Flags().StringVar(&r.Version, "version", "", "Exact package version (default: the newest; 1.26.1 names 1.26.1+vmware.1-tkg.1 when it is the only build).")
	cmd.Flags().StringVar(&r.VersionConstraint, "version-constraint", "", "Newest version within a semver constraint, kept by kapp-controller, e.g. '>=1.2.0 <2.0.0'.")
	cmd.Flags().StringVarP(&r.ValuesFile, "values-file", "f", "", "YAML file of values ('-' reads standard input).")
	cmd.Flags().StringArrayVar(&r.Values, "values", nil, "A value as KEY=VALUE (dotted keys for nested values); repeatable, applied over --values-file.")
	cmdutil.AddDryRunFlag(cmd, &r.DryRun, dryRunHelp)
	cmd.Flags().BoolVar(&r.ShowValues, "show-values", false, "With --dry-run: print the values in the Secret instead of hiding them.")
	r.WaitFlags.AddFlags(cmd, "Wait until kapp-controller has reconciled the install")
}

// Complete takes the factory and the name, and defaults --wait to on for
// a person at a terminal.
func (r *Request) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	r.Factory, r.Name = f, args[0]
	r.WaitFlags.Complete(cmd, r.Streams.ErrOut, r.DryRun)
	return nil
}

// Validate checks the shared flags.
func (r *Request) Validate() error {
	if err := r.Output.Validate(); err != nil {
		return err
	}
	if r.Version != "" && r.VersionConstraint != "" {
		return cmdutil.FlagErrorf("--version and --version-constraint are exclusive")
	}
	if err := r.WaitFlags.Validate(r.DryRun); err != nil {
		return err
	}
	if r.ShowValues && !r.DryRun.Any() {
		return cmdutil.FlagErrorf("--show-values goes with --dry-run")
	}
	return nil
}

// LoadValues reads --values-file and applies --values over it; nil when
// neither is given.
func (r *Request) LoadValues() (*carvel.Values, error) {
	if r.ValuesFile == "" && len(r.Values) == 0 {
		return nil, nil
	}
	var raw []byte
	if r.ValuesFile != "" {
		var err error
		if raw, err = yamldoc.ReadFile(r.ValuesFile, r.Streams.In); err != nil {
			return nil, err
		}
	}
	vals, err := carvel.LoadValues(r.ValuesFile, raw, r.Values)
	var setting *carvel.SettingError
	if errors.As(err, &setting) {
		return nil, cmdutil.Usagef("--values %q: %s", setting.Setting, setting.Reason)
	}
	return vals, err
}

// Resolve picks the package version and checks the values against its
// schema, every problem at once; the constraint kapp-controller keeps is
// the exact version unless a constraint was asked for.
func (r *Request) Resolve(cat *carvel.Catalog, version, constraint string, values *carvel.Values) (*carvel.Package, string, error) {
	pkg, err := cat.Resolve(r.Package, version, constraint)
	if err != nil {
		return nil, "", err
	}
	if values != nil {
		if problems := values.Validate(pkg.Spec.ValuesSchema.OpenAPIv3); len(problems) > 0 {
			return nil, "", carvel.ValuesProblems(pkg.Name, problems)
		}
	}
	if constraint == "" {
		constraint = pkg.Spec.Version
	}
	return pkg, constraint, nil
}

// Apply applies a plan of installs through the stack engine, the one
// create-or-update and wait of every install, then reports each wait: one
// install with its time, a fleet with one line per cluster. applied is
// called for each install once it is applied.
func (r *Request) Apply(ctx context.Context, c *carvel.Client, plan *carvel.StackPlan, applied func(carvel.StackStep)) error {
	start := time.Now()
	fleet := len(plan.Steps) > 1
	failed, waited := 0, 0
	var waitErr error // the one install's, or an interrupt of a fleet's
	err := c.ApplyStack(ctx, plan, carvel.ApplyOptions{
		Wait: r.Wait, Timeout: r.Timeout, DryRun: r.DryRun.Any(),
		Progress: r.Streams.ErrOut, Verbose: cmdutil.WaitProgress(r.Streams.ErrOut), Applied: applied,
		Waited: func(s carvel.StackStep, err error, _ time.Duration) {
			waited++
			switch {
			case !fleet && err != nil:
				waitErr = common.GoesOn(err, "package install", s.Namespace, s.Name, common.Done(string(s.Action)))
			case fleet && wait.Stopped(err):
				// Said once below, not as a failure of each cluster.
				waitErr = err
			case !fleet && err == nil:
				common.Reconciled(r.Streams.ErrOut, "package install "+s.Namespace+"/"+s.Name, start)
			case !fleet:
			case err != nil:
				failed++
				fmt.Fprintf(r.Streams.ErrOut, "%s/%s (cluster %s): %s\n", s.Namespace, s.Name, s.Spec.Cluster, explain.Message(err))
			default:
				fmt.Fprintf(r.Streams.ErrOut, "%s/%s (cluster %s): reconciled\n", s.Namespace, s.Name, s.Spec.Cluster)
			}
		},
	})
	if fleet && waitErr != nil {
		return &errs.StepError{Where: fmt.Sprintf("package install %s was applied on %d cluster(s) and kapp-controller goes on with it (follow it: kubectl tko package installed list -A)",
			r.Name, len(plan.Steps)), Err: waitErr}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d installs failed to reconcile", failed, waited)
	}
	if waitErr != nil {
		return waitErr
	}
	// Installs side by side have no order: the cause alone, without
	// the stack's "stopped at".
	var step *errs.StepError
	if errors.As(err, &step) {
		return step.Err
	}
	return err
}
