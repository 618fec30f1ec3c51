package cmdutil

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
)

// enumValue is a string flag that takes one of a fixed set of values: a
// value outside it fails at parsing, before anything runs.
type enumValue struct {
	p      *string
	name   string
	values []string
}

func (e *enumValue) String() string { return *e.p }
func (e *enumValue) Type() string   { return "string" }

func (e *enumValue) Set(v string) error {
	if !slices.Contains(e.values, v) {
		return FlagErrorf("--%s must be %s, not %q", e.name, Alternatives(e.values), v)
	}
	*e.p = v
	return nil
}

// EnumVar registers --name, which takes one of values (completed), with
// *p as its default.
func EnumVar(cmd *cobra.Command, p *string, name string, values []string, usage string) {
	cmd.Flags().Var(&enumValue{p: p, name: name, values: values}, name, usage)
	CompleteValues(cmd, name, values...)
}

// CompleteValues completes a flag from a fixed list of values, for flags
// that also take others (a comma-separated list, your own role).
func CompleteValues(cmd *cobra.Command, name string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
}

// Alternatives words a list of values as a choice: "a, b or c".
func Alternatives(values []string) string {
	if len(values) < 2 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}

// AliasFlag registers old as a hidden, deprecated name of the flag name:
// it sets the same value and tells the user the name to use.
func AliasFlag(cmd *cobra.Command, old, name string) {
	f := cmd.Flags().Lookup(name)
	cmd.Flags().Var(f.Value, old, f.Usage)
	_ = cmd.Flags().MarkDeprecated(old, "use --"+name+" instead")
	_ = cmd.Flags().MarkHidden(old)
	// cobra prints pflag's deprecation notice to the command's out, where
	// it would spoil -o json: it goes to stderr.
	cmd.Flags().SetOutput(stderrOf{cmd})
}

// stderrOf writes to a command's stderr as it is when written to, once
// the command is in its tree.
type stderrOf struct{ cmd *cobra.Command }

func (s stderrOf) Write(p []byte) (int, error) { return s.cmd.ErrOrStderr().Write(p) }
