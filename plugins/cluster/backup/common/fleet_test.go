package common

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// A second pass changes only the clusters the first found the object on;
// one where it went in between is "not found", the other rows stay.
func TestApplyAgainKeepsTheOtherRows(t *testing.T) {
	w := NewFleetwide()
	w.sel.Parallel = 1 // one at a time: the second change is d's
	earlier := []fleet.Result[Applied]{
		{Target: "a", Value: Applied{Result: "found"}},
		{Target: "b", Value: Applied{Result: NotFound}},
		{Target: "c", Err: errors.New("unreachable")},
		{Target: "d", Value: Applied{Result: "found"}},
	}
	var changed []string
	again := w.ApplyAgain(context.Background(), earlier, func(_ context.Context, _ *kube.Clients) (string, error) {
		changed = append(changed, "x")
		if len(changed) == 2 {
			return "", &errs.NotFoundError{Kind: "schedule", Name: "s"}
		}
		return "deleted", nil
	})
	var got []string
	for _, r := range again {
		got = append(got, r.Target+"="+r.Value.Result)
	}
	if len(changed) != 2 || strings.Join(got, " ") != "a=deleted b=not found c= d=not found" || again[2].Err == nil {
		t.Errorf("changed %d, rows %v", len(changed), got)
	}
}

// The exit of a fleet change: 3 only when every cluster lacks the object,
// 1 for a failed cluster only with --strict.
func TestReportExit(t *testing.T) {
	row := func(target, result string, err error) fleet.Result[Applied] {
		return fleet.Result[Applied]{Target: target, Value: Applied{Result: result}, Err: err}
	}
	for _, c := range []struct {
		name   string
		rows   []fleet.Result[Applied]
		strict bool
		code   int
		says   string
	}{
		{"all changed", []fleet.Result[Applied]{row("a", "paused", nil), row("b", "unchanged", nil)}, true, 0, ""},
		{"missing on one", []fleet.Result[Applied]{row("a", "paused", nil), row("b", NotFound, nil)}, true, 0, ""},
		{"missing on all", []fleet.Result[Applied]{row("a", NotFound, nil), row("b", NotFound, nil)}, false, explain.ExitNotFound,
			`schedule "s" not found in namespace "velero": none of the 2 selected clusters has it`},
		{"failed", []fleet.Result[Applied]{row("a", "paused", nil), row("b", "", errors.New("no route"))}, false, 0, ""},
		{"failed, strict", []fleet.Result[Applied]{row("a", NotFound, nil), row("b", "", errors.New("no route"))}, true, explain.ExitFailure, ""},
	} {
		streams, _, out, _ := cmdutil.TestStreams(false)
		b := NewVeleroOptions(cli.NewFactory(), streams)
		w := NewFleetwide()
		w.sel.Strict = c.strict
		msg, code := explain.Explain(w.Report(&b, "schedule", "s", c.rows))
		if code != c.code || !strings.Contains(msg, c.says) || !strings.HasPrefix(out.String(), "CLUSTER\tSCHEDULE\tRESULT\n") {
			t.Errorf("%s: exit %d %q\n%s", c.name, code, msg, out.String())
		}
	}
}
