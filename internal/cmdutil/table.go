package cmdutil

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"
)

// Column is one column of a human table; Wide columns show only with -o
// wide, Hidden ones never (a column that does not apply to this listing).
type Column struct {
	Header string
	Wide   bool
	Hidden bool
}

// Table is a human table. On a terminal it is aligned; piped, cells are
// separated by single tabs so scripts can cut them without guessing widths.
type Table struct {
	Columns []Column
	Rows    [][]string
}

// Print writes the table.
func (t *Table) Print(out io.Writer, wide, noHeaders bool) error {
	w := t.Writer(out, wide, noHeaders)
	for _, r := range t.Rows {
		w.Write(r)
	}
	return w.Flush()
}

// Writer streams rows of the table: piped, each row is written at once (so
// a long listing starts printing with its first page); on a terminal, rows
// are aligned at Flush. The header is written with the first row.
func (t *Table) Writer(out io.Writer, wide, noHeaders bool) *RowWriter {
	keep := make([]int, 0, len(t.Columns))
	for i, c := range t.Columns {
		if !c.Hidden && (wide || !c.Wide) {
			keep = append(keep, i)
		}
	}
	rw := &RowWriter{w: out, keep: keep, headerDone: noHeaders}
	if IsTerminal(out) {
		rw.tw = tabwriter.NewWriter(out, 0, 8, 3, ' ', 0)
		rw.w = rw.tw
	}
	rw.header = make([]string, len(t.Columns))
	for i, c := range t.Columns {
		rw.header[i] = c.Header
	}
	return rw
}

// StreamWriter streams rows on a terminal too, each row as it is written,
// in columns fixed from the start: each at least its header's width or
// the width given for it by header (widths), so rows that arrive later
// line up with those already shown. A longer cell pushes the rest of its
// own row only. Piped, it is Writer.
func (t *Table) StreamWriter(out io.Writer, wide, noHeaders bool, widths map[string]int) *RowWriter {
	rw := t.Writer(out, wide, noHeaders)
	if rw.tw == nil {
		return rw
	}
	rw.tw, rw.w = nil, out
	rw.fixed = make([]int, len(rw.keep))
	for k, i := range rw.keep {
		rw.fixed[k] = max(len(rw.header[i]), widths[rw.header[i]])
	}
	return rw
}

// RowWriter writes the rows of a Table.
type RowWriter struct {
	w          io.Writer
	tw         *tabwriter.Writer
	fixed      []int // StreamWriter's column widths, on a terminal
	keep       []int
	header     []string
	headerDone bool
	// Rows counts the rows written.
	Rows int
}

func (rw *RowWriter) line(cells []string) {
	picked := make([]string, 0, len(rw.keep))
	for _, i := range rw.keep {
		cell := ""
		if i < len(cells) {
			cell = strings.ReplaceAll(cells[i], "\t", " ")
		}
		picked = append(picked, cell)
	}
	if rw.fixed != nil {
		var b strings.Builder
		for k, cell := range picked {
			if k == len(picked)-1 {
				b.WriteString(cell)
				break
			}
			// tabwriter's padding of 3, as Writer aligns on a terminal.
			fmt.Fprintf(&b, "%-*s   ", rw.fixed[k], cell)
		}
		fmt.Fprintln(rw.w, strings.TrimRight(b.String(), " "))
		return
	}
	fmt.Fprintln(rw.w, strings.Join(picked, "\t"))
}

// Write adds a row.
func (rw *RowWriter) Write(cells []string) {
	if !rw.headerDone {
		rw.line(rw.header)
		rw.headerDone = true
	}
	rw.line(cells)
	rw.Rows++
}

// Flush aligns and writes what is buffered.
func (rw *RowWriter) Flush() error {
	if rw.tw != nil {
		return rw.tw.Flush()
	}
	return nil
}

// IsTerminal reports whether a stream is an interactive terminal: the one
// place every TTY decision (aligned tables, --wait by default, progress
// lines, prompts) is made. Test streams say it themselves (TestStreams).
func IsTerminal(stream any) bool {
	switch s := stream.(type) {
	case interface{ IsTerminal() bool }:
		return s.IsTerminal()
	case interface{ Fd() uintptr }:
		return term.IsTerminal(int(s.Fd()))
	}
	return false
}

// OrDash fills an empty table cell with "-".
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
