package cmdutil

import (
	"strings"
	"testing"
)

func TestTableFollowsTheStreamsTTY(t *testing.T) {
	table := &Table{Columns: []Column{{Header: "NAME"}, {Header: "STATUS"}}, Rows: [][]string{{"wc-1", "Available"}}}
	for _, tc := range []struct {
		tty  bool
		want string
	}{
		{tty: true, want: "NAME   STATUS\nwc-1   Available\n"},
		{tty: false, want: "NAME\tSTATUS\nwc-1\tAvailable\n"},
	} {
		_, _, out, _ := TestStreams(tc.tty)
		if err := table.Print(out, false, false); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("tty=%v: got %q, want %q", tc.tty, out.String(), tc.want)
		}
	}
}

func TestConfirmRefusesWithoutATerminal(t *testing.T) {
	_, in, _, errOut := TestStreams(false)
	in.WriteString("y\n")
	err := Confirm(in, errOut, "refusing without --yes", "Delete?")
	if err == nil || !strings.Contains(err.Error(), "--yes") {
		t.Fatalf("want a refusal naming --yes, got %v", err)
	}
	_, in, _, errOut = TestStreams(true)
	in.WriteString("yes\n")
	if err := Confirm(in, errOut, "refusing without --yes", "Delete?"); err != nil {
		t.Fatalf("a terminal answering yes: %v", err)
	}
	if !strings.Contains(errOut.String(), "Delete? [y/N]") {
		t.Errorf("no question asked: %q", errOut.String())
	}
}
