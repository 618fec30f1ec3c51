package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

func outputFlags(t *testing.T, format string) *OutputFlags {
	t.Helper()
	o := NewOutputFlags("junit")
	cmd := &cobra.Command{}
	o.AddFlags(cmd)
	if err := cmd.Flags().Set("output", format); err != nil {
		t.Fatal(err)
	}
	return o
}

func clusters() []*unstructured.Unstructured {
	mk := func(ns, name, version string) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"spec":     map[string]any{"topology": map[string]any{"version": version}},
		}}
	}
	return []*unstructured.Unstructured{mk("a", "one", "v1.30.2"), mk("b", "two", "v1.31.1")}
}

func TestPrintObjects(t *testing.T) {
	tests := map[string][]string{
		"json":                               {`"kind": "List"`, `"name": "one"`, `"name": "two"`},
		"yaml":                               {"kind: List", "name: one"},
		"name":                               {"cluster.cluster.x-k8s.io/one\ncluster.cluster.x-k8s.io/two\n"},
		"jsonpath={.items[*].metadata.name}": {"one two"},
		"go-template={{range .items}}{{.metadata.name}},{{end}}":                              {"one,two,"},
		"custom-columns=NAME:.metadata.name,VERSION:.spec.topology.version,MISSING:.status.x": {"NAME", "VERSION", "one", "v1.30.2", "<none>"},
	}
	for format, wants := range tests {
		t.Run(format, func(t *testing.T) {
			o := outputFlags(t, format)
			if err := o.Validate(); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := o.PrintObjects(&out, clusters(), false); err != nil {
				t.Fatal(err)
			}
			for _, w := range wants {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestValidateFormats(t *testing.T) {
	for _, ok := range []string{"", "wide", "json", "yaml", "name", "junit", "jsonpath={.x}", "custom-columns=A:.a"} {
		if err := outputFlags(t, ok).Validate(); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"tablez", "jsonpath", "custom-columns"} {
		err := outputFlags(t, bad).Validate()
		if _, code := explain.Explain(err); code != explain.ExitUsage {
			t.Errorf("%q: want a usage error, got %v", bad, err)
		}
	}
}

func TestPrintData(t *testing.T) {
	data := struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}{"x", 3}
	for format, want := range map[string]string{"json": `"count": 3`, "yaml": "count: 3", "jsonpath={.name}": "x", "go-template={{.count}}": "3"} {
		var out bytes.Buffer
		if err := outputFlags(t, format).PrintData(&out, data); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if !strings.Contains(out.String(), want) {
			t.Errorf("%s: %q lacks %q", format, out.String(), want)
		}
	}
}

func TestTablePiped(t *testing.T) {
	tbl := cmdutil.Table{Columns: []cmdutil.Column{{Header: "NAME"}, {Header: "EXTRA", Wide: true}}, Rows: [][]string{{"a\tb", "x"}}}
	var out bytes.Buffer
	if err := tbl.Print(&out, false, false); err != nil {
		t.Fatal(err)
	}
	if out.String() != "NAME\na b\n" {
		t.Errorf("narrow piped table: %q", out.String())
	}
	out.Reset()
	if err := tbl.Print(&out, true, true); err != nil {
		t.Fatal(err)
	}
	if out.String() != "a b\tx\n" {
		t.Errorf("wide piped table without headers: %q", out.String())
	}
}
