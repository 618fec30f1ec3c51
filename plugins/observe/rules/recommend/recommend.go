// Package recommend implements `kubectl tko observe rules recommend`.
package recommend

import (
	"context"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

// Options holds the flags and state of `observe rules recommend`.
type Options struct {
	Streams genericiooptions.IOStreams
	Output  *cli.OutputFlags
}

// NewCmd returns the recommend command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Streams: streams, Output: cli.NewOutputFlags()}
	cmd := &cobra.Command{
		Use:   "recommend",
		Short: "Print TKO's recommended alerting rules for TKG's Prometheus package (which ships none)",
		Long: cmdutil.LongDesc(`
			Print TKO's recommended Prometheus rule file: a watchdog that always fires
			(proof that alerts reach Alertmanager), targets down, API server errors
			and latency, crash-looping pods, workloads short of replicas, nodes not
			Ready, volumes filling up, and failures of Prometheus and Alertmanager
			themselves. Load it as a rule file, or put it under
			prometheus.config.alerting_rules_yml in the Prometheus package's values.`),
		Example: cmdutil.Examples(`
			# Save the rule file
			kubectl tko observe rules recommend > tko-rules.yaml

			# As JSON
			kubectl tko observe rules recommend -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	return cmd
}

// Complete has nothing to take.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run prints the rule file: as written (with its comments), or decoded for -o.
func (o *Options) Run(context.Context) error {
	raw := observe.RecommendedRules()
	if o.Output.Human() {
		_, err := o.Streams.Out.Write(raw)
		return err
	}
	rules, err := observe.ParseRules(raw)
	if err != nil {
		return err
	}
	return o.Output.PrintData(o.Streams.Out, rules)
}
