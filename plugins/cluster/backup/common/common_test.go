package common

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
)

// Velero's recorded messages are printed one a line with where they arose;
// when they cannot be read, the description says why and goes on.
func TestPrintRecorded(t *testing.T) {
	var out strings.Builder
	PrintRecorded(&out, &Recorded{Results: &backup.Results{
		Errors:   backup.Result{Velero: []string{"error getting volume info"}, Namespaces: map[string][]string{"shop": {"pods \"a\" is forbidden"}, "pay": {"x"}}},
		Warnings: backup.Result{Cluster: []string{"crd skipped"}},
	}}, "kubectl tko cluster backup logs b")
	want := "\nErrors recorded:\n  Velero: error getting volume info\n  Namespace pay: x\n  Namespace shop: pods \"a\" is forbidden\n" +
		"Warnings recorded:\n  Cluster: crd skipped\nFull log: kubectl tko cluster backup logs b\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	PrintRecorded(&out, &Recorded{Err: &backup.StoreUnreachableError{Host: "http://10.0.0.1:9000", Err: errString("connection refused")}}, "kubectl tko cluster backup logs b")
	if !strings.Contains(out.String(), "Errors and warnings recorded: not read (the object store at http://10.0.0.1:9000") || !strings.Contains(out.String(), "Full log: ") {
		t.Errorf("%s", out.String())
	}
	out.Reset()
	PrintRecorded(&out, nil, "x")
	if out.Len() != 0 {
		t.Errorf("nothing recorded: %q", out.String())
	}
}

type errString string

func (e errString) Error() string { return string(e) }
