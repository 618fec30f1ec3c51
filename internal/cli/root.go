package cli

import (
	goflag "flag"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/klog/v2"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
)

// Plugin describes one kubectl-tko-* plugin that talks to clusters.
type Plugin struct {
	Name  string // "cluster"
	Short string
	Long  string
	// Build adds the plugin's nouns and verbs to its root command.
	Build func(root *cobra.Command, f *Factory, streams genericiooptions.IOStreams)
}

// Command is the plugin as cmdutil runs it: with kubectl's connection
// flags bound to f, -v for client-go's request log, and errors worded by
// explain.
func (p Plugin) Command(f *Factory) cmdutil.Plugin {
	return cmdutil.Plugin{
		Name:    p.Name,
		Short:   p.Short,
		Long:    p.Long,
		Explain: explain.Explain,
		Flags: func(root *cobra.Command, streams genericiooptions.IOStreams) {
			verbosity := 0
			root.PersistentFlags().IntVarP(&verbosity, "v", "v", 0, "Log level for client-go request logging (0 is quiet; 6 shows each request).")
			root.PersistentPreRunE = func(*cobra.Command, []string) error {
				setupLogging(verbosity, streams.ErrOut)
				return nil
			}
			f.AddFlags(root.PersistentFlags())
			RegisterKubeFlagCompletion(root, f)
		},
		Build: func(root *cobra.Command, streams genericiooptions.IOStreams) {
			if p.Build != nil {
				p.Build(root, f, streams)
			}
		},
	}
}

// NewRootCommand builds the root command of a plugin (the docs generator
// walks it).
func NewRootCommand(p Plugin, f *Factory, streams genericiooptions.IOStreams) *cobra.Command {
	return cmdutil.NewRootCommand(p.Command(f), streams)
}

// Main runs a plugin and returns its exit code. Only main() calls os.Exit.
func Main(p Plugin) int {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	return Run(p, NewFactory(), streams, os.Args[1:])
}

// Run executes a plugin with the given arguments; tests call it in-process.
func Run(p Plugin, f *Factory, streams genericiooptions.IOStreams, args []string) int {
	return cmdutil.Run(p.Command(f), streams, args)
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
