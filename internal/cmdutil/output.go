package cmdutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/template"

	"github.com/spf13/cobra"
	"k8s.io/client-go/util/jsonpath"
	"sigs.k8s.io/yaml"
)

// OutputFlags is -o and its companions, with kubectl's names and meanings
// (-o, --template, --allow-missing-template-keys, --show-managed-fields)
// plus --no-headers. The human formats ("" and wide) are tables drawn by the
// command. This half prints records (PrintData); cli.OutputFlags adds
// Kubernetes objects through cli-runtime's printers.
type OutputFlags struct {
	Output            string
	Template          string
	AllowMissingKeys  bool
	ShowManagedFields bool
	NoHeaders         bool
	// Extra lists formats a command adds (for example "junit").
	Extra []string
	// Objects is set when the command prints Kubernetes objects: the
	// name and custom-columns formats apply.
	Objects bool
}

// NewOutputFlags returns -o flags with kubectl's formats plus extra ones.
func NewOutputFlags(extra ...string) *OutputFlags {
	return &OutputFlags{Extra: extra, AllowMissingKeys: true}
}

// templateFormats are the -o values that take a template, as kubectl's.
var templateFormats = []string{"go-template", "go-template-file", "template", "templatefile", "jsonpath", "jsonpath-as-json", "jsonpath-file"}

// AddFlags registers -o, --no-headers and the template flags.
func (o *OutputFlags) AddFlags(cmd *cobra.Command) {
	known := append([]string{"json", "yaml", "kyaml", "name"}, templateFormats...)
	cmd.Flags().StringVarP(&o.Output, "output", "o", "", fmt.Sprintf("Output format. One of: (%s).", strings.Join(append(known, o.Extra...), ", ")))
	cmd.Flags().StringVar(&o.Template, "template", "", "Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].")
	_ = cmd.MarkFlagFilename("template")
	cmd.Flags().BoolVar(&o.AllowMissingKeys, "allow-missing-template-keys", true, "If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.")
	cmd.Flags().BoolVar(&o.ShowManagedFields, "show-managed-fields", false, "If true, keep the managedFields when printing objects in JSON or YAML format.")
	cmd.Flags().BoolVar(&o.NoHeaders, "no-headers", false, "Do not print column headers (human output only).")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return o.formats(), cobra.ShellCompDirectiveNoFileComp
	})
}

func (o *OutputFlags) formats() []string {
	f := []string{"wide", "json", "yaml", "kyaml", "name", "jsonpath=", "jsonpath-as-json=", "jsonpath-file=", "go-template=", "go-template-file=", "custom-columns=", "custom-columns-file="}
	return append(f, o.Extra...)
}

// Format returns the chosen -o value ("" for the default table); a
// --template without -o means go-template, as in kubectl.
func (o *OutputFlags) Format() string {
	if o.Output == "" && o.Template != "" {
		return "go-template"
	}
	return o.Output
}

// Validate rejects unknown formats before any request is made.
func (o *OutputFlags) Validate() error {
	f := o.Format()
	if f == "" || f == "wide" || slices.Contains(o.Extra, f) {
		return nil
	}
	for _, known := range o.formats() {
		if f == known || (strings.HasSuffix(known, "=") && strings.HasPrefix(f, known)) {
			return nil
		}
	}
	if slices.Contains(templateFormats, f) || f == "custom-columns" {
		if o.Template != "" && f != "custom-columns" {
			return nil
		}
		return FlagErrorf("output format %q needs a template: -o %s=TEMPLATE", f, f)
	}
	return FlagErrorf("unknown output format %q: use one of %s", f, strings.Join(o.formats(), ", "))
}

// Human reports whether the output is a table drawn by the command.
func (o *OutputFlags) Human() bool { f := o.Format(); return f == "" || f == "wide" }

// Wide reports -o wide.
func (o *OutputFlags) Wide() bool { return o.Format() == "wide" }

// Default sets the format used when -o was not given.
func (o *OutputFlags) Default(format string) {
	if o.Format() == "" {
		o.Output = format
	}
}

// TemplateText splits a template format into its kind and its text: from
// "-o jsonpath=EXPR", "-o jsonpath --template EXPR" or a -file variant.
func (o *OutputFlags) TemplateText() (kind, text string, err error) {
	f := o.Format()
	kind, text, inline := strings.Cut(f, "=")
	if !inline {
		text = o.Template
	}
	if strings.HasSuffix(kind, "-file") || kind == "templatefile" {
		b, err := os.ReadFile(text)
		if err != nil {
			return "", "", Usagef("reading the %s %s: %v", kind, text, err)
		}
		text = string(b)
	}
	return kind, text, nil
}

// PrintData prints a record that is not a Kubernetes object (a version, an
// audit report, a tree) as json, yaml, jsonpath or go-template.
func (o *OutputFlags) PrintData(out io.Writer, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	f := o.Format()
	switch {
	case f == "json":
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "    "); err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		buf.WriteByte('\n')
		_, err = out.Write(buf.Bytes())
		return err
	case f == "yaml" || f == "kyaml":
		y, err := yaml.JSONToYAML(raw)
		if err != nil {
			return fmt.Errorf("encoding output: %w", err)
		}
		_, err = out.Write(y)
		return err
	case f == "name":
		return Usagef("-o name applies to Kubernetes objects only; use -o json or -o jsonpath here")
	case strings.HasPrefix(f, "custom-columns"):
		return Usagef("-o custom-columns applies to Kubernetes objects only; use -o jsonpath here")
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return fmt.Errorf("encoding output: %w", err)
	}
	return o.Execute(out, generic)
}

// Execute runs a jsonpath or go-template format over decoded JSON data.
func (o *OutputFlags) Execute(out io.Writer, data any) error {
	kind, text, err := o.TemplateText()
	if err != nil {
		return err
	}
	switch {
	case strings.HasPrefix(kind, "jsonpath"):
		jp := jsonpath.New("out").AllowMissingKeys(o.AllowMissingKeys)
		jp.EnableJSONOutput(kind == "jsonpath-as-json")
		if err := jp.Parse(RelaxJSONPath(text)); err != nil {
			return Usagef("invalid jsonpath %q: %v", text, err)
		}
		return jp.Execute(out, data)
	case strings.HasPrefix(kind, "go-template"), strings.HasPrefix(kind, "template"):
		t, err := template.New("out").Parse(text)
		if err != nil {
			return Usagef("invalid go-template: %v", err)
		}
		if !o.AllowMissingKeys {
			t.Option("missingkey=error")
		}
		return t.Execute(out, data)
	}
	return Usagef("output format %q is not supported by this command", o.Format())
}

// RelaxJSONPath accepts a bare expression as kubectl does: ".a.b" is "{.a.b}".
func RelaxJSONPath(expr string) string {
	if !strings.Contains(expr, "{") {
		return "{" + expr + "}"
	}
	return expr
}
