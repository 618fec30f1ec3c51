package cmdutil

import "github.com/spf13/cobra"

// AddDryRunFlag registers kubectl's --dry-run of a command that writes:
// client (the default when the flag is given alone: print, store nothing)
// or server (the API server checks too), with completion.
func AddDryRunFlag(cmd *cobra.Command, p *string, usage string) {
	cmd.Flags().StringVar(p, "dry-run", "", usage)
	cmd.Flags().Lookup("dry-run").NoOptDefVal = "client"
	_ = cmd.RegisterFlagCompletionFunc("dry-run", cobra.FixedCompletions([]string{"client", "server"}, cobra.ShellCompDirectiveNoFileComp))
}

// ValidateDryRun refuses a --dry-run that is neither client nor server.
func ValidateDryRun(v string) error {
	switch v {
	case "", "client", "server":
		return nil
	}
	return FlagErrorf("--dry-run must be client or server, not %q", v)
}
