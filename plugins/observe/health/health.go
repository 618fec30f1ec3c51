// Package health implements `kubectl tko observe health`.
package health

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe/common"
)

// Options holds the flags and state of `observe health`.
type Options struct {
	common.Sections

	FailOn string
}

// NewCmd returns the health command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{Sections: common.NewSections(f, streams), FailOn: "error"}
	cmd := &cobra.Command{
		Use:   "health [-A] [--all-workload-clusters | --all-contexts]",
		Short: "What is wrong in a cluster, or across the fleet, on one screen",
		Long: cmdutil.LongDesc(`
			One screen per cluster: nodes (Ready, pressure conditions, cordoned), pods
			not running or crash-looping (with the container's last termination
			reason), workloads short of replicas, pending PVCs, Warning events grouped
			by reason, the API server's /readyz checks and, on a management cluster,
			Cluster API clusters that are not Ready (one no controller has reported on
			yet is a warning) and failed PackageInstalls. Needs no Prometheus.

			Exit codes: 0 when nothing is wrong (or only warnings), 1 when any finding
			is an error (with --fail-on warning: any finding), or a fleet target
			failed under --strict.`),
		Example: cmdutil.Examples(`
			# This cluster, every namespace
			kubectl tko observe health -A

			# Every workload cluster of this management cluster
			kubectl tko observe health -A --all-workload-clusters

			# For a script
			kubectl tko observe health -A -o json`),
		Args: cmdutil.NoArgs,
		RunE: cli.RunE(f, o),
	}
	cmdutil.EnumVar(cmd, &o.FailOn, "fail-on", []string{"error", "warning"}, "Exit 1 on findings of this severity or worse: error or warning.")
	o.AddFlags(cmd)
	return cmd
}

// Validate checks the flags before any connection.
func (o *Options) Validate() error { return o.Sections.Validate() }

// Run reads every target and prints.
func (o *Options) Run(ctx context.Context) error {
	report, err := common.Report(ctx, &o.Sections, observe.ReadHealth, o.print)
	if err != nil {
		return err
	}
	for _, r := range report.Results {
		if r.Err == nil && (r.Value.Errors > 0 || (o.FailOn == "warning" && r.Value.Warnings > 0)) {
			return explain.Failure()
		}
	}
	return nil
}

func (o *Options) print(out io.Writer, h *observe.Health) error {
	verdict := "healthy"
	switch {
	case h.Errors > 0:
		verdict = "unhealthy"
	case h.Warnings > 0:
		verdict = "degraded"
	}
	fmt.Fprintf(out, "%s: nodes %d/%d ready, pods %d/%d running, readyz %d checks, %d error(s), %d warning(s)\n",
		verdict, h.NodesReady, h.Nodes, h.PodsRunning, h.Pods, h.Checks, h.Errors, h.Warnings)
	if len(h.Findings) == 0 {
		return nil
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "SEVERITY"}, {Header: "AREA"}, {Header: "NAMESPACE"}, {Header: "NAME"}, {Header: "REASON"}, {Header: "COUNT", Wide: true}, {Header: "MESSAGE"}}}
	w := t.Writer(out, o.Output.Wide(), o.Output.NoHeaders)
	for _, f := range h.Findings {
		count := "-"
		if f.Count > 0 {
			count = fmt.Sprint(f.Count)
		}
		w.Write([]string{string(f.Severity), f.Area, cmdutil.OrDash(f.Namespace), f.Name, f.Reason, count, cmdutil.OrDash(f.Message)})
	}
	return w.Flush()
}
