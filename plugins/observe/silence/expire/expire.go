// Package expire implements `kubectl tko observe silence expire`.
package expire

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe silence expire`.
type Options struct {
	Factory      *cli.Factory
	Streams      genericiooptions.IOStreams
	Alertmanager *common.API
	cmd          *cobra.Command
	IDs          []string
	DryRun       cmdutil.DryRun
}

// NewCmd returns the expire command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Alertmanager: common.NewAlertmanager()}
	cmd := &cobra.Command{
		Use:   "expire ID... [--dry-run]",
		Short: "End silences now",
		Example: cmdutil.Examples(`
			# End a silence
			kubectl tko observe silence expire 0f1e9b6c-2a55-4f4e-9d57-1c1f0f3a9e11

			# Check which silence it is first
			kubectl tko observe silence expire 0f1e9b6c-2a55-4f4e-9d57-1c1f0f3a9e11 --dry-run`),
		Args: cmdutil.MinArgs("ID"),
		ValidArgsFunction: func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
			am, err := o.Alertmanager.Alertmanager(f)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			f.ForCompletion()
			silences, err := am.Silences(cmd.Context(), false)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			ids := make([]string, 0, len(silences))
			for _, s := range silences {
				ids = append(ids, s.ID+"\t"+s.MatcherText())
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: cli.RunE(f, o),
	}
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Check that each silence exists without expiring it",
		"silences live in Alertmanager, whose API has no server-side dry run")
	o.Alertmanager.AddFlags(cmd)
	return cmd
}

// Complete takes the IDs.
func (o *Options) Complete(_ *cli.Factory, cmd *cobra.Command, args []string) error {
	o.cmd, o.IDs = cmd, args
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error { return o.Alertmanager.Validate(o.cmd) }

// Run expires each silence.
func (o *Options) Run(ctx context.Context) error {
	am, err := o.Alertmanager.Alertmanager(o.Factory)
	if err != nil {
		return err
	}
	for _, id := range o.IDs {
		s, err := am.Silence(ctx, id)
		var apiErr *observe.APIError
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusNotFound {
			return &errs.NotFoundError{Kind: "silence", Name: id, Hint: "list them with 'kubectl tko observe silence list'"}
		}
		if err != nil {
			return o.Alertmanager.Word(err)
		}
		suffix := ""
		if o.DryRun.Any() {
			suffix = " (dry run)"
		} else if err := am.ExpireSilence(ctx, id); err != nil {
			return o.Alertmanager.Word(err)
		}
		fmt.Fprintf(o.Streams.Out, "silence/%s expired%s (%s)\n", s.ID, suffix, s.MatcherText())
	}
	return nil
}
