package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/util/jsonpath"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// OutputFlags is -o for commands that print Kubernetes objects: the record
// formats of cmdutil.OutputFlags plus name and custom-columns, through
// cli-runtime's printers (without genericclioptions, which would link the
// resource builder and kustomize into every plugin).
type OutputFlags struct {
	cmdutil.OutputFlags
}

// NewOutputFlags returns -o flags with kubectl's formats plus extra ones.
func NewOutputFlags(extra ...string) *OutputFlags {
	o := &OutputFlags{OutputFlags: *cmdutil.NewOutputFlags(extra...)}
	o.Objects = true
	return o
}

// printer is what kubectl's PrintFlags.ToPrinter returns for the format.
func (o *OutputFlags) printer() (printers.ResourcePrinter, error) {
	var p printers.ResourcePrinter
	switch o.Format() {
	case "json":
		p = &printers.JSONPrinter{}
	case "yaml":
		p = &printers.YAMLPrinter{}
	case "kyaml":
		p = &printers.KYAMLPrinter{}
	case "name":
		return &printers.NamePrinter{}, nil
	default:
		kind, text, err := o.TemplateText()
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(kind, "jsonpath") {
			jp, err := printers.NewJSONPathPrinter(cmdutil.RelaxJSONPath(text))
			if err != nil {
				return nil, cmdutil.Usagef("invalid jsonpath %q: %v", text, err)
			}
			jp.AllowMissingKeys(o.AllowMissingKeys)
			jp.EnableJSONOutput(kind == "jsonpath-as-json")
			return jp, nil
		}
		gt, err := printers.NewGoTemplatePrinter([]byte(text))
		if err != nil {
			return nil, cmdutil.Usagef("invalid go-template: %v", err)
		}
		gt.AllowMissingKeys(o.AllowMissingKeys)
		return gt, nil
	}
	if !o.ShowManagedFields {
		p = &printers.OmitManagedFieldsPrinter{Delegate: p}
	}
	return p, nil
}

// PrintObjects prints Kubernetes objects in a machine format: a single
// object alone, several as a kubectl-style List.
func (o *OutputFlags) PrintObjects(out io.Writer, objs []*unstructured.Unstructured, single bool) error {
	f := o.Format()
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
	p, err := o.printer()
	if err != nil {
		return err
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

func printCustomColumns(out io.Writer, spec string, objs []*unstructured.Unstructured, noHeaders bool) error {
	type column struct {
		header string
		path   *jsonpath.JSONPath
	}
	var cols []column
	for _, part := range strings.Split(spec, ",") {
		header, expr, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || header == "" || expr == "" {
			return cmdutil.Usagef("invalid custom-columns spec %q: expected HEADER:JSONPATH[,HEADER:JSONPATH...]", part)
		}
		jp := jsonpath.New(header).AllowMissingKeys(true)
		if err := jp.Parse(cmdutil.RelaxJSONPath(expr)); err != nil {
			return cmdutil.Usagef("invalid custom-columns path %q: %v", expr, err)
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

// ToUnstructured converts typed objects for PrintObjects.
func ToUnstructured(obj runtime.Object) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, fmt.Errorf("converting %T: %w", obj, err)
	}
	return &unstructured.Unstructured{Object: m}, nil
}
