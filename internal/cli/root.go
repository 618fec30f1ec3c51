package cli

import (
	"context"
	"errors"
	goflag "flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"
	"k8s.io/kubectl/pkg/util/templates"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// Plugin describes one kubectl-tko-* binary.
type Plugin struct {
	Name  string // "cluster"; "" for the umbrella
	Short string
	Long  string
	// Build adds the plugin's nouns and verbs to its root command.
	Build func(root *cobra.Command, f *Factory, streams genericiooptions.IOStreams)
	// NoKubeFlags leaves out kubectl's connection flags (the umbrella only
	// forwards arguments).
	NoKubeFlags bool
	// Version replaces the default version command (the umbrella reports
	// every plugin it finds).
	Version func(streams genericiooptions.IOStreams) *cobra.Command
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

// NewRootCommand builds the root command of a plugin with kubectl's flags,
// a version command and shell completion.
func NewRootCommand(p Plugin, f *Factory, streams genericiooptions.IOStreams) *cobra.Command {
	verbosity := 0
	root := &cobra.Command{
		Use:           p.BinaryName(),
		Short:         p.Short,
		Long:          templates.LongDesc(p.Long),
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: p.DisplayName()},
		PersistentPreRunE: func(*cobra.Command, []string) error {
			setupLogging(verbosity, streams.ErrOut)
			return nil
		},
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &UsageError{Msg: err.Error(), ShowHelp: true}
	})
	root.PersistentFlags().IntVarP(&verbosity, "v", "v", 0, "Log level for client-go request logging (0 is quiet; 6 shows each request).")
	if !p.NoKubeFlags {
		f.ConfigFlags.AddFlags(root.PersistentFlags())
		RegisterKubeFlagCompletion(root, f)
	}
	if p.Version != nil {
		root.AddCommand(p.Version(streams))
	} else {
		root.AddCommand(NewCmdVersion(p, streams))
	}
	if p.Build != nil {
		p.Build(root, f, streams)
	}
	return root
}

func setupLogging(verbosity int, errOut io.Writer) {
	fs := goflag.NewFlagSet("klog", goflag.ContinueOnError)
	klog.InitFlags(fs)
	if verbosity <= 0 {
		// client-go logs transient errors it also returns; the user gets the
		// returned error once, explained, instead of a stack of log lines.
		_ = fs.Set("logtostderr", "false")
		_ = fs.Set("stderrthreshold", "FATAL")
		klog.SetOutput(io.Discard)
		return
	}
	if verbosity > maxVerbosity {
		// From -v=8 on client-go logs request and response bodies (and at 9
		// curl lines): bodies of Secrets, kubeconfigs and token requests.
		fmt.Fprintf(errOut, "note: -v=%d is capped at %d: higher levels log request and response bodies, which can hold Secrets\n", verbosity, maxVerbosity)
		verbosity = maxVerbosity
	}
	_ = fs.Set("v", fmt.Sprint(verbosity))
	klog.SetOutput(errOut)
}

// maxVerbosity is the most client-go may log: URLs, timing, status and
// headers (with the Authorization header masked), never bodies.
const maxVerbosity = 7

// Main runs a plugin and returns its exit code. Only main() calls os.Exit.
func Main(p Plugin) int {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	return Run(p, NewFactory(), streams, os.Args[1:])
}

// Run executes a plugin with the given arguments; tests call it in-process.
func Run(p Plugin, f *Factory, streams genericiooptions.IOStreams, args []string) int {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	go func() {
		select {
		case <-signals:
			cancel(errs.ErrInterrupted)
		case <-ctx.Done():
		}
	}()

	root := NewRootCommand(p, f, streams)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return explain.ExitOK
	}
	if errors.Is(context.Cause(ctx), errs.ErrInterrupted) {
		err = fmt.Errorf("%w: %w", errs.ErrInterrupted, err)
	}
	if isCobraUsageError(err) {
		err = &UsageError{Msg: err.Error(), ShowHelp: true}
	}
	msg, code := explain.Explain(err)
	if msg != "" {
		fmt.Fprintf(streams.ErrOut, "error: %s\n", msg)
	}
	var usage *UsageError
	if errors.As(err, &usage) && usage.ShowHelp && cmd != nil {
		fmt.Fprintf(streams.ErrOut, "See '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
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

// Examples formats an Examples block the way kubectl does.
func Examples(s string) string { return templates.Examples(s) }

// LongDesc formats a Long block the way kubectl does.
func LongDesc(s string) string { return templates.LongDesc(s) }

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
