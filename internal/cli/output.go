package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/util/jsonpath"
	"sigs.k8s.io/yaml"
)

// OutputFlags is -o and its companions for every command that prints
// objects or records. The human formats ("" and wide) are tables drawn by the
// command; every other format goes through cli-runtime's printers.
type OutputFlags struct {
	NoHeaders bool
	// Extra lists formats a command adds (for example "junit").
	Extra []string

	print *genericclioptions.PrintFlags
}

// NewOutputFlags returns -o flags with kubectl's formats plus extra ones.
func NewOutputFlags(extra ...string) *OutputFlags {
	return &OutputFlags{Extra: extra, print: genericclioptions.NewPrintFlags("")}
}

// AddFlags registers -o, --no-headers and the template flags.
func (o *OutputFlags) AddFlags(cmd *cobra.Command) {
	o.print.AddFlags(cmd)
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "Do not print column headers (human output only).")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return o.formats(), cobra.ShellCompDirectiveNoFileComp
	})
}

func (o *OutputFlags) formats() []string {
	f := []string{"wide", "json", "yaml", "name", "jsonpath=", "jsonpath-as-json=", "jsonpath-file=", "go-template=", "go-template-file=", "custom-columns=", "custom-columns-file="}
	return append(f, o.Extra...)
}

func (o *OutputFlags) format() string {
	if o.print.OutputFormat != nil {
		return *o.print.OutputFormat
	}
	return ""
}

// Validate rejects unknown formats before any request is made.
func (o *OutputFlags) Validate() error {
	f := o.format()
	if f == "" || f == "wide" || slices.Contains(o.Extra, f) {
		return nil
	}
	for _, known := range o.formats() {
		if strings.HasSuffix(known, "=") && strings.HasPrefix(f, known) {
			return nil
		}
		if f == known {
			return nil
		}
	}
	for _, prefix := range []string{"go-template", "jsonpath", "custom-columns", "template", "templatefile"} {
		if f == prefix {
			return FlagErrorf("output format %q needs a template: -o %s=TEMPLATE", f, prefix)
		}
	}
	return FlagErrorf("unknown output format %q: use one of %s", f, strings.Join(o.formats(), ", "))
}

// Format returns the chosen -o value ("" for the default table).
func (o *OutputFlags) Format() string { return o.format() }

// Human reports whether the output is a table drawn by the command.
func (o *OutputFlags) Human() bool { f := o.format(); return f == "" || f == "wide" }

// Wide reports -o wide.
func (o *OutputFlags) Wide() bool { return o.format() == "wide" }

// PrintObjects prints Kubernetes objects in a machine format: a single
// object alone, several as a kubectl-style List.
func (o *OutputFlags) PrintObjects(out io.Writer, objs []*unstructured.Unstructured, single bool) error {
	f := o.format()
	if cc, ok := strings.CutPrefix(f, "custom-columns="); ok {
		return printCustomColumns(out, cc, objs, o.NoHeaders)
	}
	if file, ok := strings.CutPrefix(f, "custom-columns-file="); ok {
		spec, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("reading custom columns file: %w", err)
		}
		return printCustomColumns(out, strings.TrimSpace(strings.ReplaceAll(string(spec), "\n", ",")), objs, o.NoHeaders)
	}
	p, err := o.print.ToPrinter()
	if err != nil {
		return Usagef("%v", err)
	}
	if f == "name" || single {
		for _, obj := range objs {
			if err := p.PrintObj(obj, out); err != nil {
				return fmt.Errorf("printing %s: %w", obj.GetName(), err)
			}
		}
		return nil
	}
	list := &unstructured.UnstructuredList{Object: map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{"resourceVersion": ""}}}
	for _, obj := range objs {
		list.Items = append(list.Items, *obj)
	}
	return p.PrintObj(list, out)
}

// PrintData prints a record that is not a Kubernetes object (a version, an
// audit report, a tree) as json, yaml, jsonpath or go-template.
func (o *OutputFlags) PrintData(out io.Writer, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	f := o.format()
	switch {
	case f == "json":
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "    "); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		buf.WriteByte('\n')
		_, err = out.Write(buf.Bytes())
		return err
	case f == "yaml":
		y, err := yaml.JSONToYAML(raw)
		if err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		_, err = out.Write(y)
		return err
	case strings.HasPrefix(f, "jsonpath"):
		_, expr, _ := strings.Cut(f, "=")
		if file, ok := strings.CutPrefix(f, "jsonpath-file="); ok {
			b, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("reading jsonpath file: %w", err)
			}
			expr = string(b)
		}
		jp := jsonpath.New("out").AllowMissingKeys(true)
		if strings.HasPrefix(f, "jsonpath-as-json") {
			jp.EnableJSONOutput(true)
		}
		if err := jp.Parse(relaxJSONPath(expr)); err != nil {
			return Usagef("invalid jsonpath %q: %v", expr, err)
		}
		return jp.Execute(out, generic)
	case strings.HasPrefix(f, "go-template"), strings.HasPrefix(f, "template"):
		_, text, _ := strings.Cut(f, "=")
		if file, ok := strings.CutPrefix(f, "go-template-file="); ok {
			b, err := os.ReadFile(file)
			if err != nil {
				return fmt.Errorf("reading template file: %w", err)
			}
			text = string(b)
		}
		t, err := template.New("out").Parse(text)
		if err != nil {
			return Usagef("invalid go-template: %v", err)
		}
		return t.Execute(out, generic)
	case f == "name":
		return Usagef("-o name applies to Kubernetes objects only; use -o json or -o jsonpath here")
	case strings.HasPrefix(f, "custom-columns"):
		return Usagef("-o custom-columns applies to Kubernetes objects only; use -o jsonpath here")
	}
	return Usagef("output format %q is not supported by this command", f)
}

func relaxJSONPath(expr string) string {
	if !strings.Contains(expr, "{") {
		return "{" + expr + "}"
	}
	return expr
}

func printCustomColumns(out io.Writer, spec string, objs []*unstructured.Unstructured, noHeaders bool) error {
	type column struct {
		header string
		path   *jsonpath.JSONPath
	}
	var cols []column
	for _, part := range strings.Split(spec, ",") {
		header, expr, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || header == "" || expr == "" {
			return Usagef("invalid custom-columns spec %q: expected HEADER:JSONPATH[,HEADER:JSONPATH...]", part)
		}
		jp := jsonpath.New(header).AllowMissingKeys(true)
		if err := jp.Parse(relaxJSONPath(expr)); err != nil {
			return Usagef("invalid custom-columns path %q: %v", expr, err)
		}
		cols = append(cols, column{header: header, path: jp})
	}
	tw := printers.GetNewTabWriter(out)
	if !noHeaders {
		headers := make([]string, len(cols))
		for i, c := range cols {
			headers[i] = c.header
		}
		fmt.Fprintln(tw, strings.Join(headers, "\t"))
	}
	for _, obj := range objs {
		cells := make([]string, len(cols))
		for i, c := range cols {
			results, err := c.path.FindResults(obj.UnstructuredContent())
			if err != nil || len(results) == 0 || len(results[0]) == 0 {
				cells[i] = "<none>"
				continue
			}
			var vals []string
			for _, r := range results[0] {
				vals = append(vals, fmt.Sprint(r.Interface()))
			}
			cells[i] = strings.Join(vals, ",")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

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

// RowWriter writes the rows of a Table.
type RowWriter struct {
	w          io.Writer
	tw         *tabwriter.Writer
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

// ToUnstructured converts typed objects for PrintObjects.
func ToUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	return &unstructured.Unstructured{Object: m}, nil
}

// Default sets the format used when -o was not given.
func (o *OutputFlags) Default(format string) {
	if o.format() == "" && o.print.OutputFormat != nil {
		*o.print.OutputFormat = format
	}
}
