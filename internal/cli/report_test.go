package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/fleet"
)

func TestFleetReportSections(t *testing.T) {
	sel := fleet.Selection{AllContexts: true}
	r := NewFleetReport(sel, []fleet.Result[int]{{Target: "a", Value: 1}, {Target: "b", Err: errors.New("boom")}})
	print := func(w io.Writer, v int) error { _, err := fmt.Fprintf(w, "value %d\n", v); return err }
	_, out, errOut, _ := cmdutil.TestStreams(false)
	if err := r.Sections(out, NewOutputFlags(), print); err != nil || out.String() != "== a\nvalue 1\n\n== b\nunreachable: boom\n" {
		t.Errorf("%v %q", err, out.String())
	}
	if r.Failed() != 1 || r.Exit() != nil {
		t.Errorf("failed %d, exit %v without --strict", r.Failed(), r.Exit())
	}
	r.Warn(errOut)
	if errOut.String() != "warning: context b: boom\n" {
		t.Errorf("warnings %q", errOut.String())
	}
	out.Reset()
	alone := NewFleetReport(fleet.Selection{}, []fleet.Result[int]{{Value: 2}})
	if err := alone.Sections(out, NewOutputFlags(), print); err != nil || out.String() != "value 2\n" {
		t.Errorf("current context alone: %q", out.String())
	}
}

func TestFleetReportExit(t *testing.T) {
	strict := fleet.Selection{AllContexts: true}
	strict.Strict = true
	failed := NewFleetReport(strict, []fleet.Result[int]{{Target: "a"}, {Target: "b", Err: errors.New("boom")}})
	if _, code := explain.Explain(failed.Exit()); code != explain.ExitFailure {
		t.Errorf("a failed target under --strict: exit %d", code)
	}
	missing := &errs.NotFoundError{Kind: "schedule", Name: "nightly"}
	none := NewFleetReport(strict, []fleet.Result[int]{{Target: "a", Err: missing}, {Target: "b", Err: missing}})
	none.Object = &errs.NotFoundError{Kind: "schedule", Name: "nightly"}
	msg, code := explain.Explain(none.Exit())
	if code != explain.ExitNotFound || !strings.Contains(msg, "none of the 2 selected clusters has it") {
		t.Errorf("on no target: %d %q", code, msg)
	}
	some := NewFleetReport(strict, []fleet.Result[int]{{Target: "a", Err: missing}, {Target: "b"}})
	some.Object = none.Object
	if some.Failed() != 0 || some.Exit() != nil {
		t.Errorf("missing on one target is no failure: %v", some.Exit())
	}
}

func TestFleetReportFailAlways(t *testing.T) {
	r := NewFleetReport(fleet.Selection{AllContexts: true}, []fleet.Result[int]{{Target: "a"}, {Target: "b", Err: errors.New("refused")}})
	r.FailAlways = true
	_, _, errOut, _ := cmdutil.TestStreams(false)
	r.Warn(errOut)
	if _, code := explain.Explain(r.Exit()); code != explain.ExitFailure || errOut.String() != "error: context b: refused\n" {
		t.Errorf("exit %d, %q", code, errOut.String())
	}
	workload := NewFleetReport(fleet.Selection{AllWorkloadClusters: true}, []fleet.Result[int]{{Target: "ns/wc", Err: errors.New("down")}})
	errOut.Reset()
	workload.Warn(errOut)
	if errOut.String() != "warning: cluster ns/wc: down\n" {
		t.Errorf("workload cluster: %q", errOut.String())
	}
}
