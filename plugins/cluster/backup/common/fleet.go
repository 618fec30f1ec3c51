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
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
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
func (w *Fleetwide) IsFleet() bool { return Fleet(w.sel) }

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
	results, notes, err := cli.FleetRun(ctx, b.Factory, w.sel, Requirements, func(ctx context.Context, t cli.Target) (Applied, error) {
		return applyOn(ctx, t.Clients, change)
	})
	for _, n := range notes {
		fmt.Fprintln(b.Streams.ErrOut, n)
	}
	return results, err
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
// done, NotFound, or the one-line error) and gives the exit: 3 when the
// object is on none of the clusters, 1 when a cluster failed and --strict.
func (w *Fleetwide) Report(b *VeleroOptions, kind, name string, results []fleet.Result[Applied]) error {
	rows := make([]appliedRow, len(results))
	failed, missing := false, 0
	for i, r := range results {
		rows[i] = appliedRow{Cluster: r.Target, Name: name, Result: r.Value.Result}
		switch {
		case r.Err != nil:
			failed = true
			rows[i].Result, rows[i].Error = "failed", explain.Message(r.Err)
		case r.Value.Result == NotFound:
			missing++
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
	if missing > 0 && missing == len(rows) {
		hint := fmt.Sprintf("none of the %d selected clusters has it", missing)
		if missing == 1 {
			hint = "the selected cluster does not have it"
		}
		return &errs.NotFoundError{Kind: kind, Name: name, Namespace: b.VeleroNamespace, Hint: hint}
	}
	return Strict(failed, w.sel)
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

// PrintRows prints a fleet run's rows and says whether any failed (an
// unreachable cluster, or a backup that did not complete).
func (b *VeleroOptions) PrintRows(results []fleet.Result[Row]) (failed bool, err error) {
	rows := make([]Row, len(results))
	for i, r := range results {
		rows[i] = r.Value
		rows[i].Cluster = r.Target
		if r.Err != nil {
			rows[i].Error = explain.Message(r.Err)
		}
		failed = failed || rows[i].Error != ""
	}
	if !b.Output.Human() {
		return failed, b.Output.PrintData(b.Streams.Out, rows)
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
	return failed, w.Flush()
}

// Strict turns failed fleet rows into exit 1 with --strict.
func Strict(failed bool, sel fleet.Selection) error {
	if failed && sel.Strict {
		return &explain.SilentError{Code: explain.ExitFailure}
	}
	return nil
}

// Fleet reports whether a selection runs on more than the current cluster.
func Fleet(sel fleet.Selection) bool { return sel.ContextFleet() || sel.WorkloadFleet() }

// AddFleetFlags registers the shared fleet flags of a verb that runs on
// each selected cluster.
func AddFleetFlags(cmd *cobra.Command, ff *cli.FleetFlags, what string) {
	ff.AddContextFlags(cmd, "")
	ff.AddClusterFlags(cmd, what+" on these workload clusters (comma-separated), through their kubeconfig Secrets on this management cluster.")
}

// Requirements of every verb.
var Requirements = []kube.Requirement{backup.Requirement}

// Tally counts the targets of a fleet read: a target that lacks the object
// is a section of its own, not a failure; absent from every target, the
// object is not found (exit 3).
type Tally struct {
	missing int
	failed  bool
}

// Problem counts a target's error and words it for its section.
func (t *Tally) Problem(err error) string {
	var notFound *errs.NotFoundError
	if errors.As(err, &notFound) {
		t.missing++
	} else {
		t.failed = true
	}
	return explain.Message(err)
}

// Failed counts a target that was read but failed (a wait cut short).
func (t *Tally) Failed() { t.failed = true }

// Err is the outcome of the run over total targets: not found when no
// target has the object, exit 1 for a failed one under --strict.
func (t *Tally) Err(total int, kind, name, namespace string, sel fleet.Selection) error {
	if t.missing > 0 && t.missing == total {
		hint := fmt.Sprintf("none of the %d selected clusters has it", t.missing)
		if t.missing == 1 {
			hint = "the selected cluster does not have it"
		}
		return &errs.NotFoundError{Kind: kind, Name: name, Namespace: namespace, Hint: hint}
	}
	return Strict(t.failed, sel)
}
