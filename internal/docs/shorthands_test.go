package docs

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// A shorthand means one flag in every plugin: -p is --package wherever it
// exists, so a user's muscle memory carries from one plugin to the next.
// -f is always the file the command reads: a manifest (--filename, as in
// kubectl) or, where a package is installed, its values (--values-file, as
// in the tanzu CLI).
func TestShorthandsMeanOneFlagEverywhere(t *testing.T) {
	same := map[string]string{"values-file": "filename"}
	name := func(f *pflag.Flag) string {
		if n, ok := same[f.Name]; ok {
			return n
		}
		return f.Name
	}
	plugins, err := Plugins()
	if err != nil {
		t.Fatal(err)
	}
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	meaning := map[string]string{} // shorthand → long name
	where := map[string]string{}   // shorthand → first command path
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		check := func(f *pflag.Flag) {
			if f.Shorthand == "" {
				return
			}
			if long, ok := meaning[f.Shorthand]; ok && long != name(f) {
				t.Errorf("-%s is --%s in %q but --%s in %q", f.Shorthand, f.Name, c.CommandPath(), long, where[f.Shorthand])
				return
			}
			meaning[f.Shorthand], where[f.Shorthand] = name(f), c.CommandPath()
		}
		c.LocalFlags().VisitAll(check)
		c.InheritedFlags().VisitAll(check)
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	for _, p := range plugins {
		visit(cmdutil.NewRootCommand(p, streams))
	}
	if len(meaning) == 0 {
		t.Fatal("no shorthand found: the command trees were not walked")
	}
}
