// Package status implements `kubectl tko cluster upgrade status`.
package status

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/upgraderun"
)

// Options holds the flags and state of `cluster upgrade status`.
type Options struct {
	Factory        *cli.Factory
	Streams        genericiooptions.IOStreams
	Output         *cli.OutputFlags
	StateNamespace string
}

// NewCmd returns `upgrade status`.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Factory: f, Streams: streams, Output: cli.NewOutputFlags(), StateNamespace: upgraderun.DefaultNamespace}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the fleet upgrade run: its phase, wave, and each cluster's step, machines and backup",
		Long: cmdutil.LongDesc(`
			Show the upgrade run stored on the management cluster by 'upgrade apply',
			from any machine: the run's phase (Running, Failed, Finished, Aborted), who
			holds it and when it was last seen, the wave under way, and per cluster its
			state, the steps done, the machines at the step's version and the Velero
			backup taken before its upgrade.`),
		Example: cmdutil.Examples(`
			kubectl tko cluster upgrade status
			kubectl tko cluster upgrade status -o yaml`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	o.Output.AddFlags(cmd)
	AddStateNamespaceFlag(f, cmd, &o.StateNamespace)
	return cmd
}

// AddStateNamespaceFlag registers --state-namespace, completed with the
// management cluster's namespaces.
func AddStateNamespaceFlag(f *cli.Factory, cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "state-namespace", *p, "Namespace of the management cluster holding the run's state (ConfigMap "+upgraderun.ConfigMapName+").")
	_ = cmd.RegisterFlagCompletionFunc("state-namespace", func(cmd *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
		return cli.CompleteNames(cmd.Context(), f, schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, false, prefix), cobra.ShellCompDirectiveNoFileComp
	})
}

// Complete has nothing to take.
func (o *Options) Complete(*cli.Factory, *cobra.Command, []string) error { return nil }

// Validate checks -o.
func (o *Options) Validate() error { return o.Output.Validate() }

// Run reads the stored run and prints it.
func (o *Options) Run(ctx context.Context) error {
	c, err := o.Factory.Connect()
	if err != nil {
		return err
	}
	run, err := (&upgraderun.Store{Dyn: c.Dynamic, Namespace: o.StateNamespace}).Load(ctx)
	if err != nil {
		return err
	}
	if !o.Output.Human() {
		return o.Output.PrintData(o.Streams.Out, run)
	}
	held := "released"
	if run.Holder != "" {
		held = fmt.Sprintf("held by %s, last seen %s ago", run.Holder, time.Since(run.Heartbeat).Round(time.Second))
	}
	fmt.Fprintf(o.Streams.ErrOut, "upgrade run %s, wave %d of %d, started %s, %s\n", run.Phase, run.Wave, run.Waves, run.Started.UTC().Format(time.RFC3339), held)
	if run.Message != "" {
		fmt.Fprintf(o.Streams.ErrOut, "%s\n", run.Message)
	}
	return Print(o.Streams.Out, run)
}

// Print writes the table of a run's clusters.
func Print(out io.Writer, run *upgraderun.Run) error {
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "WAVE"}, {Header: "CLUSTER"}, {Header: "STATE"}, {Header: "STEPS"},
		{Header: "VERSION"}, {Header: "MACHINES"}, {Header: "BACKUP"}, {Header: "MESSAGE"}}}
	for _, c := range run.Clusters {
		version := c.From
		if c.Done > 0 {
			version = c.Steps[c.Done-1].KubernetesVersion
		}
		machines := "-"
		if c.Total > 0 {
			machines = fmt.Sprintf("%d/%d", c.Rolled, c.Total)
		}
		b := cmdutil.OrDash(c.Backup)
		if c.Backup != "" && !c.BackedUp {
			b += " (not completed)"
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(c.Wave), c.Cluster, c.State, fmt.Sprintf("%d/%d", c.Done, len(c.Steps)),
			version, machines, b, cmdutil.OrDash(c.Message)})
	}
	return t.Print(out, false, false)
}
