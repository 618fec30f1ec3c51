// Package cmdutil is the part of the command layer that needs no
// Kubernetes client library: the root command and its runner (signals,
// errors to one line and an exit code), usage errors, argument checks,
// tables, -o for records, prompts and test streams. The umbrella
// kubectl-tko is built on it alone, which keeps it small and quick to
// start; the plugins use it through package cli, which adds kubectl's
// connection flags, the client factory and object printing.
package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// Plugin describes one kubectl-tko* binary.
type Plugin struct {
	Name  string // "cluster"; "" for the umbrella
	Short string
	Long  string
	// Flags adds what every command of the plugin takes, version included:
	// persistent flags and their completion.
	Flags func(root *cobra.Command, streams genericiooptions.IOStreams)
	// Build adds the plugin's nouns and verbs to its root command. Run
	// leaves it out for 'version', which needs none of them.
	Build func(root *cobra.Command, streams genericiooptions.IOStreams)
	// Version replaces the default version command (the umbrella's can
	// report every plugin it finds).
	Version func(streams genericiooptions.IOStreams) *cobra.Command
	// Explain turns an error into its line and exit code (base.Explain
	// when nil).
	Explain func(error) (string, int)
}

// DisplayName is how users type the plugin: "kubectl tko cluster".
func (p Plugin) DisplayName() string {
	if p.Name == "" {
		return "kubectl tko"
	}
	return "kubectl tko " + p.Name
}

// BinaryName is the executable name: "kubectl-tko-cluster".
func (p Plugin) BinaryName() string {
	if p.Name == "" {
		return "kubectl-tko"
	}
	return "kubectl-tko-" + p.Name
}

// NewRootCommand builds the root command of a plugin with a version
// command and shell completion.
func NewRootCommand(p Plugin, streams genericiooptions.IOStreams) *cobra.Command {
	return newRootCommand(p, streams, true)
}

// newRootCommand builds the root command, with the nouns and verbs or
// without them.
func newRootCommand(p Plugin, streams genericiooptions.IOStreams, verbs bool) *cobra.Command {
	root := &cobra.Command{
		Use:           p.BinaryName(),
		Short:         p.Short,
		Long:          LongDesc(p.Long),
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: p.DisplayName()},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		// A flag value that refused itself (an enum, --dry-run) words the
		// error whole; pflag's "invalid argument" wrapping adds nothing.
		var usage *UsageError
		if errors.As(err, &usage) {
			return usage
		}
		return &UsageError{Msg: err.Error(), ShowHelp: true}
	})
	if p.Version != nil {
		root.AddCommand(p.Version(streams))
	} else {
		root.AddCommand(NewCmdVersion(p, streams))
	}
	if p.Flags != nil {
		p.Flags(root, streams)
	}
	if p.Build != nil && verbs {
		p.Build(root, streams)
	}
	return root
}

// versionOnly says whether the arguments run the version command, which
// needs no other command built. Building every verb (flags, help texts,
// completion) was a fifth of a plugin's start-up; 'kubectl tko' starts
// each plugin's version to list them.
func versionOnly(args []string) bool {
	return len(args) > 0 && args[0] == "version"
}

// Main runs a plugin on the process's arguments and streams and returns
// its exit code. Only main() calls os.Exit.
func Main(p Plugin) int {
	return Run(p, genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}, os.Args[1:])
}

// Run executes a plugin with the given arguments; tests call it in-process.
// SIGINT and SIGTERM cancel the command's context: it stops where it is
// and says so (exit 5).
func Run(p Plugin, streams genericiooptions.IOStreams, args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	version := versionOnly(args)
	if !version {
		// version neither waits nor leaves anything to undo: the default
		// SIGINT ends it at once. Handling signals starts a thread of its
		// own, a sixth of the umbrella's start-up over a bare Go program.
		cancelOnSignal(ctx, cancel)
	}

	root := newRootCommand(p, streams, !version)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return base.ExitOK
	}
	if errors.Is(context.Cause(ctx), errs.ErrInterrupted) {
		err = fmt.Errorf("%w: %w", errs.ErrInterrupted, err)
	}
	if isCobraUsageError(err) {
		err = &UsageError{Msg: err.Error(), ShowHelp: true}
	}
	explain := p.Explain
	if explain == nil {
		explain = func(err error) (string, int) { return base.Explain(err) }
	}
	msg, code := explain(err)
	if msg != "" {
		fmt.Fprintf(streams.ErrOut, "error: %s\n", msg)
	}
	var usage *UsageError
	if errors.As(err, &usage) && usage.ShowHelp && cmd != nil {
		fmt.Fprintf(streams.ErrOut, "See '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// cancelOnSignal cancels ctx with errs.ErrInterrupted on SIGINT or SIGTERM,
// until ctx is done.
func cancelOnSignal(ctx context.Context, cancel context.CancelCauseFunc) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer signal.Stop(signals)
		select {
		case <-signals:
			cancel(errs.ErrInterrupted)
		case <-ctx.Done():
		}
	}()
}

func isCobraUsageError(err error) bool {
	s := err.Error()
	for _, prefix := range []string{"unknown command", "required flag", "accepts ", "requires at least", "requires at most", "invalid argument", "if any flags in the group"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// NewCmdVersion prints the plugin's version stamp.
func NewCmdVersion(p Plugin, streams genericiooptions.IOStreams) *cobra.Command {
	out := NewOutputFlags()
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the plugin version",
		Example: Examples(fmt.Sprintf(`
			# Show the version
			%[1]s version

			# As JSON, for scripts
			%[1]s version -o json`, p.DisplayName())),
		Args: NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			info := buildinfo.Get(p.BinaryName())
			if out.Human() {
				fmt.Fprintf(streams.Out, "%s %s (commit %s, built %s, %s, %s)\n", info.Plugin, info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
				return nil
			}
			return out.PrintData(streams.Out, info)
		},
	}
	out.AddFlags(cmd)
	return cmd
}
