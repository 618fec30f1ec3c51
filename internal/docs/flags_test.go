package docs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// The flags that mean one thing are built one way in every plugin:
// --dry-run by the one kit (none, client or server; the flag alone is
// client), --timeout by the wait kit, and the per-target timeout is
// --target-timeout, its old names hidden.
func TestCommonFlagsAreTheKits(t *testing.T) {
	plugins, err := Plugins()
	if err != nil {
		t.Fatal(err)
	}
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	dryRuns := 0
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		path := c.CommandPath()
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			switch f.Name {
			case "dry-run":
				dryRuns++
				if _, ok := f.Value.(*cmdutil.DryRunValue); !ok || f.NoOptDefVal != "client" {
					t.Errorf("%s: --dry-run is a %T with NoOptDefVal %q, not the kit's (cmdutil.AddDryRunFlag)", path, f.Value, f.NoOptDefVal)
				}
			case "timeout":
				if !strings.HasSuffix(f.Usage, "(0: no limit; exit 4 when it runs out).") {
					t.Errorf("%s: --timeout is not the wait kit's (cmdutil.WaitFlags): %q", path, f.Usage)
				}
			case "wait":
				if f.Value.Type() != "bool" {
					t.Errorf("%s: --wait is a %s", path, f.Value.Type())
				}
			case "context-timeout", "cluster-timeout":
				if !f.Hidden || f.Deprecated == "" {
					t.Errorf("%s: --%s is visible; the per-target timeout is --target-timeout", path, f.Name)
				}
			}
		})
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	for _, p := range plugins {
		visit(cmdutil.NewRootCommand(p, streams))
	}
	if dryRuns == 0 {
		t.Fatal("no --dry-run found: the command trees were not walked")
	}
}
