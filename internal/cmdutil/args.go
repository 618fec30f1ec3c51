package cmdutil

import (
	"slices"
	"strings"

	"github.com/MakeNowJust/heredoc"
	"github.com/spf13/cobra"
)

// Examples formats an Examples block the way kubectl's templates.Examples
// does: trimmed, each line indented by two spaces.
func Examples(s string) string {
	if s == "" {
		return s
	}
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, line := range lines {
		lines[i] = "  " + strings.TrimSpace(line)
	}
	return strings.Join(lines, "\n")
}

// LongDesc formats a Long block as kubectl's templates.LongDesc does for
// the plain paragraphs our texts use: dedented, each paragraph's lines
// joined, indented blocks and lists kept as written. (kubectl's renders
// full markdown, but its package links kubectl's terminal code and
// printers: megabytes the umbrella does not need.)
func LongDesc(s string) string {
	paragraphs := strings.Split(strings.TrimSpace(heredoc.Doc(s)), "\n\n")
	for i, p := range paragraphs {
		lines := strings.Split(p, "\n")
		if !slices.ContainsFunc(lines, preformatted) {
			paragraphs[i] = strings.Join(lines, " ")
		}
	}
	return strings.Join(paragraphs, "\n\n")
}

// preformatted is a line markdown would not join to the previous one.
func preformatted(line string) bool {
	return strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") || strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* ")
}

// ExactArgs requires exactly the named positional arguments.
func ExactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return FlagErrorf("missing %s", strings.Join(names[len(args):], " "))
		}
		if len(args) > len(names) {
			return FlagErrorf("unexpected arguments %q: %s takes %s", args[len(names):], cmd.Name(), strings.Join(names, " "))
		}
		return nil
	}
}

// NoArgs refuses positional arguments.
func NoArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return FlagErrorf("unexpected arguments %q: %s takes none", args, cmd.Name())
	}
	return nil
}

// MinArgs requires at least one of the named argument.
func MinArgs(name string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 0 {
			return FlagErrorf("missing %s", name)
		}
		return nil
	}
}
