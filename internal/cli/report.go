package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// FleetReport is the outcome of a fleet run as every fleet verb reports
// it: a result per target in the selection's order, printed as rows with
// a CLUSTER or CONTEXT column or as a section per target, the failed
// targets warned about on stderr, and one exit (see Exit).
type FleetReport[T any] struct {
	Results []fleet.Result[T]
	// Object is what the verb looks for on each target, when it looks for
	// one: a target without it counts as missing, not failed, and a run
	// where every target misses it is not found (exit 3).
	Object *errs.NotFoundError
	// FailAlways fails the run on any failed target, --strict or not: a
	// write that must land everywhere, or a check. Failures are then
	// errors, not warnings.
	FailAlways bool

	sel    fleet.Selection
	failed []bool
	miss   []bool
}

// NewFleetReport reports results of a run over sel; a target with an
// error has failed.
func NewFleetReport[T any](sel fleet.Selection, results []fleet.Result[T]) *FleetReport[T] {
	r := &FleetReport[T]{Results: results, sel: sel, failed: make([]bool, len(results)), miss: make([]bool, len(results))}
	for i, res := range results {
		r.failed[i] = res.Err != nil
	}
	return r
}

// RunFleet runs fn on every target of sel (see FleetRun), says on errOut
// what the selection skipped, and returns the report.
func RunFleet[T any](ctx context.Context, f *Factory, sel fleet.Selection, reqs []kube.Requirement, errOut io.Writer, fn func(ctx context.Context, t Target) (T, error)) (*FleetReport[T], error) {
	return RunFleetEach(ctx, f, sel, reqs, errOut, fn, nil)
}

// RunFleetEach is RunFleet that hands each target's result to each as soon
// as it is done: a terminal shows the targets that answered while the
// slow ones are pending.
func RunFleetEach[T any](ctx context.Context, f *Factory, sel fleet.Selection, reqs []kube.Requirement, errOut io.Writer, fn func(ctx context.Context, t Target) (T, error), each func(i int, r fleet.Result[T])) (*FleetReport[T], error) {
	results, notes, err := FleetRunEach(ctx, f, sel, reqs, fn, each)
	for _, n := range notes {
		fmt.Fprintln(errOut, n)
	}
	if err != nil {
		return nil, err
	}
	return NewFleetReport(sel, results), nil
}

// RunFleetDirect is RunFleetEach without discovery (FleetRunDirect).
func RunFleetDirect[T any](ctx context.Context, f *Factory, sel fleet.Selection, errOut io.Writer, fn func(ctx context.Context, t Target) (T, error), each func(i int, r fleet.Result[T])) (*FleetReport[T], error) {
	results, notes, err := FleetRunDirect(ctx, f, sel, fn, each)
	for _, n := range notes {
		fmt.Fprintln(errOut, n)
	}
	if err != nil {
		return nil, err
	}
	return NewFleetReport(sel, results), nil
}

// IsFleet reports whether the run covered more than the current context:
// rows then need a CLUSTER or CONTEXT column.
func (r *FleetReport[T]) IsFleet() bool { return r.sel.Fleet() }

// Alone is the error of the current context when the run was that context
// alone, kept whole so that it has its own exit code.
func (r *FleetReport[T]) Alone() error {
	if r.IsFleet() || len(r.Results) != 1 {
		return nil
	}
	return r.Results[0].Err
}

// Message words target i's error for its row or section ("" for none).
func (r *FleetReport[T]) Message(i int) string {
	if r.Results[i].Err == nil {
		return ""
	}
	return explain.Message(r.Results[i].Err)
}

// Fail counts target i as failed though it answered (a wait cut short).
func (r *FleetReport[T]) Fail(i int) { r.failed[i], r.miss[i] = true, false }

// Miss counts target i as lacking the object: a row of its own, no failure.
func (r *FleetReport[T]) Miss(i int) { r.failed[i], r.miss[i] = false, true }

// Failed is how many targets failed.
func (r *FleetReport[T]) Failed() int {
	r.classify()
	n := 0
	for _, f := range r.failed {
		if f {
			n++
		}
	}
	return n
}

// classify counts the not-found errors of the Object as misses.
func (r *FleetReport[T]) classify() {
	if r.Object == nil {
		return
	}
	for i, res := range r.Results {
		var nf *errs.NotFoundError
		if res.Err != nil && (errors.As(res.Err, &nf) || apierrors.IsNotFound(res.Err)) {
			r.Miss(i)
		}
	}
}

// Noun names the kind of target: "context" or "cluster".
func (r *FleetReport[T]) Noun() string {
	if r.sel.WorkloadFleet() {
		return "cluster"
	}
	return "context"
}

// Warn says on errOut why each failed target failed, one line each:
// "warning: context NAME: cause" ("error: ..." with FailAlways). A target
// without the Object is no failure: the verb says so where it lists them.
func (r *FleetReport[T]) Warn(errOut io.Writer) {
	level := "warning"
	if r.FailAlways {
		level = "error"
	}
	r.classify()
	for i, res := range r.Results {
		if r.failed[i] && res.Err != nil {
			fmt.Fprintf(errOut, "%s: %s %s: %s\n", level, r.Noun(), TargetName(res.Target), explain.Message(res.Err))
		}
	}
}

// TargetName is how a target is named in output: "current cluster" for
// the current context.
func TargetName(target string) string {
	if target == "" {
		return "current cluster"
	}
	return target
}

// Exit is the run's one outcome: not found (exit 3) when the verb looks for
// an Object and no target has it; exit 1 when a target failed and --strict
// (or FailAlways) asks for it, or when the Object could be read nowhere;
// else success.
func (r *FleetReport[T]) Exit() error {
	failed := r.Failed()
	missing := 0
	for _, m := range r.miss {
		if m {
			missing++
		}
	}
	if r.Object != nil && missing > 0 && missing == len(r.Results) {
		nf := *r.Object
		nf.Hint = fmt.Sprintf("none of the %d selected clusters has it", missing)
		if missing == 1 {
			nf.Hint = "the selected cluster does not have it"
		}
		return &nf
	}
	if failed > 0 && (r.sel.Strict || r.FailAlways || (r.Object != nil && failed+missing == len(r.Results))) {
		return explain.Failure()
	}
	return nil
}

// Section is one target's part of a report printed by sections.
type Section[T any] struct {
	Cluster string `json:"cluster,omitempty"`
	Report  T      `json:"report,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Sections prints one report per target: machine formats as a list of
// sections (the report alone when the run was the current context only),
// human ones as a section per target headed "== NAME", a failed target's
// section saying "unreachable: cause".
func (r *FleetReport[T]) Sections(out io.Writer, output *OutputFlags, print func(io.Writer, T) error) error {
	sections := make([]Section[T], len(r.Results))
	for i, res := range r.Results {
		sections[i] = Section[T]{Cluster: res.Target, Report: res.Value, Error: r.Message(i)}
	}
	if !output.Human() {
		var data any = sections
		if len(sections) == 1 && sections[0].Cluster == "" {
			data = sections[0].Report
		}
		return output.PrintData(out, data)
	}
	for i, s := range sections {
		if err := writeSection(out, i > 0, s, print); err != nil {
			return err
		}
	}
	return nil
}

func writeSection[T any](out io.Writer, after bool, s Section[T], print func(io.Writer, T) error) error {
	if after {
		fmt.Fprintln(out)
	}
	if s.Cluster != "" {
		fmt.Fprintf(out, "== %s\n", s.Cluster)
	}
	if s.Error != "" {
		fmt.Fprintf(out, "unreachable: %s\n", s.Error)
		return nil
	}
	return print(out, s.Report)
}

// SectionStream prints each target's section as soon as it answers, for a
// fleet on a terminal: the first sections show while slow targets are
// pending. Err is the first error of print.
type SectionStream[T any] struct {
	out     io.Writer
	print   func(io.Writer, T) error
	written bool
	Err     error
}

// NewSectionStream returns a stream of sections printed by print to out.
func NewSectionStream[T any](out io.Writer, print func(io.Writer, T) error) *SectionStream[T] {
	return &SectionStream[T]{out: out, print: print}
}

// Each prints target i's section; it is the each of RunFleetEach, called
// one at a time.
func (s *SectionStream[T]) Each(_ int, r fleet.Result[T]) {
	sec := Section[T]{Cluster: r.Target, Report: r.Value}
	if r.Err != nil {
		sec.Error = explain.Message(r.Err)
	}
	if err := writeSection(s.out, s.written, sec, s.print); err != nil && s.Err == nil {
		s.Err = err
	}
	s.written = true
}
