// Package add implements `kubectl tko observe silence add`.
package add

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe silence add`.
type Options struct {
	common.APIOptions
	Duration time.Duration
	Comment  string
	Author   string
	DryRun   cmdutil.DryRun

	silence observe.Silence
}

// NewCmd returns the add command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{APIOptions: common.NewAPIOptions(f, streams, common.NewAlertmanager()), Duration: 2 * time.Hour}
	cmd := &cobra.Command{
		Use:   "add MATCHER... --comment TEXT [--duration 2h] [--dry-run]",
		Short: "Silence the alerts that match every matcher, from now for --duration",
		Long: cmdutil.LongDesc(`
			Create an Alertmanager silence. Matchers are NAME=VALUE, NAME!=VALUE,
			NAME=~REGEX or NAME!~REGEX; an alert is silenced when it matches all of
			them. Prints the silence's ID (-o json: the whole silence). --dry-run
			prints the silence without creating it.`),
		Example: cmdutil.Examples(`
			# Two hours of quiet for one node's alerts
			kubectl tko observe silence add alertname=TKONodeNotReady node=worker-1 --comment "replacing the node"

			# Every warning in a namespace for a day, checked first
			kubectl tko observe silence add severity=warning namespace=~"team-a|team-b" --duration 24h --comment load-test --dry-run -o yaml`),
		Args: cmdutil.MinArgs("MATCHER"),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return []string{"alertname=", "severity=", "namespace="}, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		},
		RunE: cli.RunE(f, o),
	}
	cmd.Flags().DurationVar(&o.Duration, "duration", o.Duration, "How long the silence lasts, from now.")
	cmd.Flags().StringVar(&o.Comment, "comment", "", "Why (required; Alertmanager shows it to everyone).")
	cmd.Flags().StringVar(&o.Author, "author", "", "Who; default the kubeconfig user.")
	cmdutil.AddLocalDryRunFlag(cmd, &o.DryRun, "Print the silence without creating it",
		"silences live in Alertmanager, whose API has no server-side dry run")
	o.AddFlags(cmd)
	return cmd
}

// Complete builds the silence from the matchers.
func (o *Options) Complete(f *cli.Factory, cmd *cobra.Command, args []string) error {
	_ = o.APIOptions.Complete(f, cmd, args)
	for _, a := range args {
		m, err := observe.ParseMatcher(a)
		if err != nil {
			return cmdutil.FlagErrorf("%v", err)
		}
		o.silence.Matchers = append(o.silence.Matchers, m)
	}
	if o.Author == "" {
		o.Author = "kubectl-tko"
		if raw, err := f.RawConfig(); err == nil {
			ctx := raw.CurrentContext
			if f.Context() != "" {
				ctx = f.Context()
			}
			if c := raw.Contexts[ctx]; c != nil && c.AuthInfo != "" {
				o.Author = c.AuthInfo
			}
		}
	}
	return nil
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error {
	switch {
	case o.Comment == "":
		return cmdutil.FlagErrorf("--comment is required: say why the alerts are silenced")
	case o.Duration <= 0:
		return cmdutil.FlagErrorf("--duration must be positive")
	}
	return o.APIOptions.Validate()
}

// Run creates the silence.
func (o *Options) Run(ctx context.Context) error {
	now := time.Now().UTC().Truncate(time.Second)
	s := o.silence
	s.StartsAt, s.EndsAt, s.Comment, s.CreatedBy = now, now.Add(o.Duration), o.Comment, o.Author
	if !o.DryRun.Any() {
		am, err := o.API.Alertmanager(o.Factory)
		if err != nil {
			return err
		}
		if s.ID, err = am.AddSilence(ctx, s); err != nil {
			return o.API.Word(err)
		}
		s.State = "active"
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, s)
	}
	if o.DryRun.Any() {
		fmt.Fprintf(o.Streams.Out, "silence %s until %s (dry run)\n", s.MatcherText(), s.EndsAt.Format(time.RFC3339))
		return nil
	}
	fmt.Fprintf(o.Streams.Out, "silence/%s created\n", s.ID)
	return nil
}
