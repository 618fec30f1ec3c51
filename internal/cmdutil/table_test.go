package cmdutil

import (
	"testing"
)

// TestStreamWriter: on a terminal each row is written as it comes, in
// columns fixed by the headers and the widths given, so a row written
// later lines up with the first; a longer cell pushes its own row only.
// Piped, cells are tab-separated as with Writer.
func TestStreamWriter(t *testing.T) {
	table := &Table{Columns: []Column{{Header: "CONTEXT"}, {Header: "NAME"}, {Header: "MESSAGE", Wide: true}, {Header: "STATUS"}}}
	tty := &TestStream{TTY: true}
	w := table.StreamWriter(tty, false, false, map[string]int{"CONTEXT": 10})
	w.Write([]string{"site-1", "wc-prod-1", "hidden", "Available"})
	if got, want := tty.String(), "CONTEXT      NAME   STATUS\nsite-1       wc-prod-1   Available\n"; got != want {
		t.Fatalf("the first row is not written at once:\n%q\nwant\n%q", got, want)
	}
	w.Write([]string{"a-very-long-context", "wc", "", "Error: no answer"})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "CONTEXT      NAME   STATUS\nsite-1       wc-prod-1   Available\na-very-long-context   wc     Error: no answer\n"
	if got := tty.String(); got != want {
		t.Fatalf("got\n%q\nwant\n%q", got, want)
	}

	piped := &TestStream{}
	w = table.StreamWriter(piped, true, false, map[string]int{"CONTEXT": 10})
	w.Write([]string{"site-1", "wc-prod-1", "m", "Available"})
	if got, want := piped.String(), "CONTEXT\tNAME\tMESSAGE\tSTATUS\nsite-1\twc-prod-1\tm\tAvailable\n"; got != want {
		t.Fatalf("piped: got %q, want %q", got, want)
	}
}
