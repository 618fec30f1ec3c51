// Package status implements `kubectl tko cluster policy status`.
package status

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster/policy/common"
)

// Options holds the flags of `policy status`.
type Options struct {
	common.PolicyOptions
	Name   string
	NoPods bool
}

// NewCmd returns the status command.
func NewCmd(f *cli.Factory, streams genericiooptions.IOStreams) *cobra.Command {
	o := &Options{PolicyOptions: common.NewPolicyOptions(f, streams)}
	cmd := &cobra.Command{
		Use:     "status [NAME]",
		Aliases: []string{"diff"},
		Short:   "Show per cluster whether each policy is applied, drifted, or violated by running pods",
		Long: cmdutil.LongDesc(`
			Compare each policy (or the one named) with every target cluster:

			- drift: objects the policy should have and that are missing (deleted by
			  hand, or a new namespace its scope now selects), fields of ours changed by
			  hand, and objects it wrote that its scope no longer selects (extra);
			- violations: existing pods the API server would refuse under the policy.
			  Each pod of a governed namespace is submitted again as a server-side dry
			  run create: Pod Security Admission and the policy's
			  ValidatingAdmissionPolicy answer as they would for a new pod, and nothing
			  is stored. Network and quota policies judge no existing pod.

			Exit 1 when any policy drifted (rerun 'policy apply' to repair it) or a
			cluster could not be read; violations alone exit 0.`),
		Example: cmdutil.Examples(`
			# Every policy of this cluster
			kubectl tko cluster policy status

			# One policy across the workload clusters, with every drifted object and violating pod
			kubectl tko cluster policy status harbor-only --all-workload-clusters -o wide`),
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.CompleteNames(f),
		RunE:              cli.RunE(f, o),
	}
	cmd.Flags().BoolVar(&o.NoPods, "no-pods", false, "Check drift only, not the existing pods (faster on large clusters).")
	o.AddFlags(cmd)
	return cmd
}

// Complete takes the name.
func (o *Options) Complete(_ *cli.Factory, _ *cobra.Command, args []string) error {
	if len(args) == 1 {
		o.Name = args[0]
	}
	return nil
}

// Row is one policy on one cluster.
type Row struct {
	Cluster string `json:"cluster,omitempty"`
	*policy.Status
	Error string `json:"error,omitempty"`
}

// Run checks every policy on every target.
func (o *Options) Run(ctx context.Context) error {
	var (
		stream  *cmdutil.RowWriter
		details []string
		each    func(int, fleet.Result[[]*policy.Status])
	)
	if cli.Streamed(o.Streams.Out, o.Output, o.Selection) {
		// Each cluster's rows as it answers, in columns fixed from the
		// start; the drift and violations below, once every cluster has.
		stream = o.table().StreamWriter(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders, map[string]int{"CLUSTER": max(cli.TargetWidth(o.Factory, o.Selection), 24),
			"POLICY": 24, "TYPE": len(policy.TypeQuota), "STATE": len("Violated")})
		each = func(_ int, r fleet.Result[[]*policy.Status]) { details = o.write(stream, rowsOf(r), details) }
	}
	outcomes, err := common.RunEachDirect(ctx, &o.PolicyOptions, o.read, each)
	if err != nil {
		return err
	}
	var rows []Row
	drifted := 0
	for _, oc := range outcomes.Results {
		for _, r := range rowsOf(oc) {
			if r.Status != nil && len(r.Drift) > 0 {
				drifted++
			}
			rows = append(rows, r)
		}
	}
	switch {
	case stream != nil:
		o.finish(stream, details)
	case !o.Output.Human():
		if err := o.Output.PrintData(o.Streams.Out, rows); err != nil {
			return err
		}
	default:
		if err := o.print(rows); err != nil {
			return err
		}
	}
	if drifted > 0 {
		return explain.Failure()
	}
	// Status is a check: a cluster that cannot be read fails it.
	outcomes.FailAlways = true
	return outcomes.Exit()
}

// read checks the policies of one target.
func (o *Options) read(ctx context.Context, c *kube.Clients) ([]*policy.Status, error) {
	var recs []*policy.Record
	if o.Name != "" {
		rec, err := policy.GetRecord(ctx, c.Dynamic, o.Name)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	} else {
		all, err := policy.Records(ctx, c.Dynamic)
		if err != nil {
			return nil, err
		}
		recs = all
	}
	var out []*policy.Status
	for _, r := range recs {
		st, err := policy.StatusOf(ctx, c.Dynamic, r, !o.NoPods)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// rowsOf are a target's rows, or one row with its error.
func rowsOf(r fleet.Result[[]*policy.Status]) []Row {
	if r.Err != nil {
		return []Row{{Cluster: r.Target, Error: explain.Message(r.Err)}}
	}
	rows := make([]Row, 0, len(r.Value))
	for _, st := range r.Value {
		rows = append(rows, Row{Cluster: r.Target, Status: st})
	}
	return rows
}

func (o *Options) table() *cmdutil.Table {
	return &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER", Hidden: !o.FleetView()}, {Header: "POLICY"}, {Header: "TYPE"}, {Header: "STATE"},
		{Header: "NAMESPACES"}, {Header: "DRIFT"}, {Header: "VIOLATIONS"}}}
}

func (o *Options) print(rows []Row) error {
	w := o.table().Writer(o.Streams.Out, o.Output.Wide(), o.Output.NoHeaders)
	details := o.write(w, rows, nil)
	if err := w.Flush(); err != nil {
		return err
	}
	o.finish(w, details)
	return nil
}

// write writes rows and returns details with their drift and violations
// added, for after the table.
func (o *Options) write(w *cmdutil.RowWriter, rows []Row, details []string) []string {
	for _, r := range rows {
		if r.Error != "" {
			w.Write([]string{r.Cluster, "", "", "Error: " + r.Error})
			continue
		}
		st := r.Status
		w.Write([]string{r.Cluster, st.Policy, st.Type, st.State(), strconv.Itoa(len(st.Namespaces)), strconv.Itoa(len(st.Drift)), strconv.Itoa(len(st.Violations))})
		where := st.Policy
		if o.FleetView() {
			where = common.Name(r.Cluster) + " " + where
		}
		for _, d := range st.Drift {
			line := fmt.Sprintf("%s: %s %s", where, d.Object, d.State)
			if d.Detail != "" {
				line += ": " + d.Detail
			}
			details = append(details, line)
		}
		for _, v := range st.Violations {
			details = append(details, fmt.Sprintf("%s: pod %s -n %s would be refused: %s", where, v.Pod, v.Namespace, v.Message))
		}
	}
	return details
}

func (o *Options) finish(w *cmdutil.RowWriter, details []string) {
	if w.Rows == 0 && !o.Output.NoHeaders {
		fmt.Fprintln(o.Streams.ErrOut, "No policies found.")
	}
	if len(details) > 0 {
		fmt.Fprintln(o.Streams.Out)
		fmt.Fprintln(o.Streams.Out, strings.Join(details, "\n"))
	}
}
