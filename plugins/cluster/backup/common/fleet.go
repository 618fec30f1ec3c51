package common

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// NotFound is the result of a fleet row whose cluster lacks the object: a
// row of its own, not a failure.
const NotFound = "not found"

// Fleetwide is the fleet selection of a writing verb that runs on each
// selected cluster (schedule create, pause, unpause, delete): the shared
// fleet flags, checked before any connection.
type Fleetwide struct {
	Fleet *cli.FleetFlags
	sel   fleet.Selection
}

// NewFleetwide returns the fleet flags with their defaults.
func NewFleetwide() Fleetwide { return Fleetwide{Fleet: cli.NewFleetFlags()} }

// AddFleetFlags registers the fleet flags; what starts their help ("Pause
// the schedule").
func (w *Fleetwide) AddFleetFlags(cmd *cobra.Command, what string) { AddFleetFlags(cmd, w.Fleet, what) }

// Select checks the fleet flags.
func (w *Fleetwide) Select(f *cli.Factory) error {
	var err error
	w.sel, err = w.Fleet.Selection(f)
	return err
}

// Selection is what Select checked.
func (w *Fleetwide) Selection() fleet.Selection { return w.sel }

// IsFleet reports whether the verb runs on a fleet, not the current cluster.
func (w *Fleetwide) IsFleet() bool { return w.sel.Fleet() }

// Changer changes one object on one cluster and says what it did:
// "paused", "deleted (dry run)", "unchanged".
type Changer func(ctx context.Context, c *kube.Clients) (string, error)

// Applied is what a Changer did on one cluster of a fleet run.
type Applied struct {
	Result  string
	clients *kube.Clients // the cluster's, for a second pass
}

// Done says what a change did, " (dry run)" when nothing was stored (as
// cli.PrintAction says it).
func Done(verb string, dryRun bool) string {
	if dryRun {
		return verb + " (dry run)"
	}
	return verb
}

// Apply runs change on each selected cluster. A cluster where the object
// does not exist is a NotFound row, not a failure; one that cannot be
// reached, or refuses, is a failed row.
func (w *Fleetwide) Apply(ctx context.Context, b *VeleroOptions, change Changer) ([]fleet.Result[Applied], error) {
	report, err := cli.RunFleet(ctx, b.Factory, w.sel, Requirements, b.Streams.ErrOut, func(ctx context.Context, t cli.Target) (Applied, error) {
		return applyOn(ctx, t.Clients, change)
	})
	if err != nil {
		return nil, err
	}
	return report.Results, nil
}

// ApplyAgain runs change on the clusters where an earlier pass found the
// object, through the clients that pass connected; the other rows stay as
// they were.
func (w *Fleetwide) ApplyAgain(ctx context.Context, earlier []fleet.Result[Applied], change Changer) []fleet.Result[Applied] {
	byName := map[string]*kube.Clients{}
	var names []string
	for _, r := range earlier {
		if Found(r) {
			byName[r.Target] = r.Value.clients
			names = append(names, r.Target)
		}
	}
	again := fleet.Run(ctx, names, w.sel.Options, func(ctx context.Context, name string) (Applied, error) {
		return applyOn(ctx, byName[name], change)
	})
	out := append([]fleet.Result[Applied](nil), earlier...)
	for i, j := 0, 0; i < len(out) && j < len(again); i++ {
		if out[i].Target == again[j].Target {
			out[i] = again[j]
			j++
		}
	}
	return out
}

func applyOn(ctx context.Context, c *kube.Clients, change Changer) (Applied, error) {
	result, err := change(ctx, c)
	var nf *errs.NotFoundError
	if errors.As(err, &nf) || apierrors.IsNotFound(err) {
		return Applied{Result: NotFound, clients: c}, nil
	}
	return Applied{Result: result, clients: c}, err
}

// Found reports whether a row found the object.
func Found(r fleet.Result[Applied]) bool { return r.Err == nil && r.Value.Result != NotFound }

// CountFound says on how many clusters the object was found.
func CountFound(results []fleet.Result[Applied]) int {
	n := 0
	for _, r := range results {
		if Found(r) {
			n++
		}
	}
	return n
}

// appliedRow is a fleet row as printed.
type appliedRow struct {
	Cluster string `json:"cluster"`
	Name    string `json:"name"`
	Result  string `json:"result"`
	Error   string `json:"error,omitempty"`
}

// Report prints a row per cluster (CLUSTER, the kind, RESULT: what was
// done, NotFound, or the one-line error) and gives the fleet report's exit:
// 3 when the object is on none of the clusters, 1 when a cluster failed
// and --strict.
func (w *Fleetwide) Report(b *VeleroOptions, kind, name string, results []fleet.Result[Applied]) error {
	report := cli.NewFleetReport(w.sel, results)
	report.Object = &errs.NotFoundError{Kind: kind, Name: name, Namespace: b.VeleroNamespace}
	rows := make([]appliedRow, len(results))
	for i, r := range results {
		rows[i] = appliedRow{Cluster: r.Target, Name: name, Result: r.Value.Result}
		switch {
		case r.Err != nil:
			rows[i].Result, rows[i].Error = "failed", report.Message(i)
		case r.Value.Result == NotFound:
			report.Miss(i)
		}
	}
	var err error
	if !b.Output.Human() {
		err = b.Output.PrintData(b.Streams.Out, rows)
	} else {
		t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER"}, {Header: strings.ToUpper(kind)}, {Header: "RESULT"}}}
		tw := t.Writer(b.Streams.Out, b.Output.Wide(), b.Output.NoHeaders)
		for _, r := range rows {
			result := r.Result
			if r.Error != "" {
				result = r.Error
			}
			tw.Write([]string{r.Cluster, r.Name, result})
		}
		err = tw.Flush()
	}
	if err != nil {
		return err
	}
	return report.Exit()
}

// Row is one cluster's backup or restore in a fleet run.
type Row struct {
	Cluster  string `json:"cluster,omitempty"`
	Name     string `json:"name"`
	Phase    string `json:"phase,omitempty"`
	Items    int64  `json:"items,omitempty"`
	Total    int64  `json:"total,omitempty"`
	Errors   int64  `json:"errors,omitempty"`
	Warnings int64  `json:"warnings,omitempty"`
	Error    string `json:"error,omitempty"`
}

// RowOf fills a row from an outcome.
func RowOf(o backup.Outcome) Row {
	return Row{Name: o.Name, Phase: o.Phase, Items: o.Items, Total: o.Total, Errors: o.Errors, Warnings: o.Warnings}
}

// PrintRows prints a fleet run's rows and gives its exit: a row fails
// for an unreachable cluster or a backup that did not complete.
func (b *VeleroOptions) PrintRows(report *cli.FleetReport[Row]) error {
	rows := make([]Row, len(report.Results))
	for i, r := range report.Results {
		rows[i] = r.Value
		rows[i].Cluster = r.Target
		if r.Err != nil {
			rows[i].Error = report.Message(i)
		}
		if rows[i].Error != "" {
			report.Fail(i)
		}
	}
	if !b.Output.Human() {
		if err := b.Output.PrintData(b.Streams.Out, rows); err != nil {
			return err
		}
		return report.Exit()
	}
	t := &cmdutil.Table{Columns: []cmdutil.Column{{Header: "CLUSTER"}, {Header: "NAME"}, {Header: "PHASE"}, {Header: "ITEMS"}, {Header: "ERRORS"}, {Header: "WARNINGS"}, {Header: "MESSAGE"}}}
	w := t.Writer(b.Streams.Out, b.Output.Wide(), b.Output.NoHeaders)
	for _, r := range rows {
		items := "-"
		if r.Total > 0 {
			items = fmt.Sprintf("%d/%d", r.Items, r.Total)
		}
		w.Write([]string{r.Cluster, r.Name, cmdutil.OrDash(r.Phase), items, strconv.FormatInt(r.Errors, 10), strconv.FormatInt(r.Warnings, 10), cmdutil.OrDash(r.Error)})
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return report.Exit()
}

// AddFleetFlags registers the shared fleet flags of a verb that runs on
// each selected cluster.
func AddFleetFlags(cmd *cobra.Command, ff *cli.FleetFlags, what string) {
	ff.AddContextFlags(cmd, "")
	ff.AddClusterFlags(cmd, what+" on these workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Requirements of every verb.
var Requirements = []kube.Requirement{backup.Requirement}
