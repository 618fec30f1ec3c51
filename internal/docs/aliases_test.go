package docs

import (
	"bytes"
	"testing"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

// An alias means one thing in every plugin. It is never the name of a
// command anywhere in kubectl tko (`cluster policy audit` beside `cluster
// audit` would be two meanings of audit), with one pair of synonyms: get
// and describe both show named objects in detail, so a get answers to
// describe and a describe to get, and neither is an alias of anything else.
func TestAliasesMeanOneThingEverywhere(t *testing.T) {
	synonym := map[string]string{"get": "describe", "describe": "get"}
	// Aliases their owners are removing; an entry that no longer occurs
	// fails the test, so the list only shrinks.
	pending := map[string]bool{}
	plugins, err := Plugins()
	if err != nil {
		t.Fatal(err)
	}
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	commands := map[string]string{} // command name → one path that has it
	var all []*cobra.Command
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		commands[c.Name()] = c.CommandPath()
		all = append(all, c)
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	for _, p := range plugins {
		visit(cmdutil.NewRootCommand(p, streams))
	}
	seen := map[string]bool{}
	for _, c := range all {
		for _, a := range c.Aliases {
			key := c.CommandPath() + " " + a
			if pending[key] {
				seen[key] = true
				continue
			}
			if s, ok := synonym[a]; ok {
				if s != c.Name() {
					t.Errorf("%q has alias %s: only a %s answers to %s", c.CommandPath(), a, s, a)
				}
				continue
			}
			if path, ok := commands[a]; ok {
				t.Errorf("%q has alias %s, the name of %q", c.CommandPath(), a, path)
			}
		}
	}
	for key := range pending {
		if !seen[key] {
			t.Errorf("alias %q is gone: remove it from pending", key)
		}
	}
}
