// Package tko is the umbrella plugin, `kubectl tko`: it lists the tko
// plugins on PATH with their versions and forwards `kubectl tko <plugin>`
// to `kubectl-tko-<plugin>` or krew's `kubectl-tko_<plugin>`. It is built
// on cmdutil alone, without Kubernetes client libraries: it never talks to
// a cluster, and so stays a few megabytes and starts at once.
package tko

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain/base"
)

// builtins are the umbrella's own words; anything else names a plugin.
var builtins = map[string]bool{"version": true, "help": true, "completion": true, "__complete": true, "__completeNoDesc": true}

// Plugin returns the umbrella's definition.
func Plugin() cmdutil.Plugin {
	return cmdutil.Plugin{
		Short: "Operate VMware Tanzu for Kubernetes Operations estates from kubectl",
		Long: `
			kubectl tko is a set of kubectl plugins for Tanzu for Kubernetes Operations:

			  cluster   Cluster API / TKG lifecycle, fleet views, reference-design audit
			  package   Carvel repositories and installs, values validation, stacks
			  auth      Pinniped kubeconfigs, whoami, access checks
			  lb        AKO / NSX ALB and Service type LoadBalancer health
			  observe   cluster health, Prometheus queries, alerts, capacity

			Run without arguments to list the installed plugins. 'kubectl tko PLUGIN ...'
			runs kubectl-tko-PLUGIN (or krew's kubectl-tko_PLUGIN) with the same
			arguments, input, output and exit code.`,
		Version: newCmdVersion,
		Build:   build,
	}
}

// Main runs the umbrella: forwards to a plugin, or runs its own commands.
func Main() int {
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	args := os.Args[1:]
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") && !builtins[args[0]] {
		if err := Dispatch(args[0], args[1:]); err != nil {
			msg, code := base.Explain(err)
			fmt.Fprintf(streams.ErrOut, "error: %s\n", msg)
			return code
		}
	}
	return cmdutil.Run(Plugin(), streams, args)
}

func build(root *cobra.Command, streams genericiooptions.IOStreams) {
	root.Example = cmdutil.Examples(`
		# List the installed tko plugins
		kubectl tko

		# Versions of every plugin, for a bug report
		kubectl tko version --plugins -o json

		# Run a plugin
		kubectl tko cluster list -A`)
	root.Args = cobra.ArbitraryArgs
	// The rest of a line belongs to the plugin it names, flags included, so
	// that completion of `kubectl tko cluster get -n team-a <TAB>` reaches it.
	root.DisableFlagParsing = true
	root.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 {
			if args[0] == "-h" || args[0] == "--help" {
				return cmd.Help()
			}
			return cmdutil.Usagef("unknown plugin %q: run 'kubectl tko' to list the installed plugins", args[0])
		}
		return listPlugins(cmd.Context(), streams)
	}
	root.ValidArgsFunction = completePlugin
}

// Installed is a tko plugin found on PATH.
type Installed struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Find returns the tko plugins on PATH, first match per name, sorted.
func Find() []Installed {
	seen := map[string]Installed{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name, ok := pluginName(e.Name())
			if !ok {
				continue
			}
			if _, dup := seen[name]; dup {
				continue
			}
			path := filepath.Join(dir, e.Name())
			if info, err := os.Stat(path); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
				continue
			}
			seen[name] = Installed{Name: name, Path: path}
		}
	}
	out := make([]Installed, 0, len(seen))
	for _, p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// pluginName maps kubectl-tko-cluster and kubectl-tko_cluster(.exe) to "cluster".
func pluginName(file string) (string, bool) {
	file = strings.TrimSuffix(file, ".exe")
	for _, prefix := range []string{"kubectl-tko-", "kubectl-tko_"} {
		if rest, ok := strings.CutPrefix(file, prefix); ok && rest != "" {
			return rest, true
		}
	}
	return "", false
}

// Lookup finds the binary for a plugin name.
func Lookup(name string) (string, error) {
	for _, candidate := range []string{"kubectl-tko-" + name, "kubectl-tko_" + name} {
		if path, err := exec.LookPath(candidate); err == nil {
			return path, nil
		}
	}
	return "", &errs.NotFoundError{Kind: "plugin", Name: name, Hint: "install it with 'kubectl krew install tko-" + name + "' or put kubectl-tko-" + name + " on PATH; 'kubectl tko' lists what is installed"}
}

// pluginVersion runs `<plugin> version -o json`.
func pluginVersion(ctx context.Context, path string) (buildinfo.Info, error) {
	var info buildinfo.Info
	out, err := exec.CommandContext(ctx, path, "version", "-o", "json").Output()
	if err != nil {
		return info, fmt.Errorf("running %s version: %w", filepath.Base(path), err)
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return info, fmt.Errorf("reading %s version: %w", filepath.Base(path), err)
	}
	return info, nil
}

// Row is one plugin in `kubectl tko` and `kubectl tko version`.
type Row struct {
	Name  string          `json:"name"`
	Path  string          `json:"path"`
	Info  *buildinfo.Info `json:"version,omitempty"`
	Error string          `json:"error,omitempty"`
}

func collect(ctx context.Context) []Row {
	found := Find()
	paths := make([]string, len(found))
	for i, p := range found {
		paths[i] = p.Path
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rows := make([]Row, len(found))
	var wg sync.WaitGroup
	for i, p := range found {
		rows[i] = Row{Name: p.Name, Path: p.Path}
		wg.Go(func() {
			info, err := pluginVersion(ctx, paths[i])
			if err != nil {
				rows[i].Error = err.Error()
				return
			}
			rows[i].Info = &info
		})
	}
	wg.Wait()
	return rows
}

func listPlugins(ctx context.Context, streams genericiooptions.IOStreams) error {
	rows := collect(ctx)
	if len(rows) == 0 {
		fmt.Fprintln(streams.ErrOut, "no tko plugins found on PATH: install them with 'kubectl krew install tko-cluster' (and tko-package, tko-auth, tko-lb, tko-observe)")
		return nil
	}
	t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "PLUGIN"}, {Header: "VERSION"}, {Header: "PATH"}}}
	for _, r := range rows {
		version := "<error: " + r.Error + ">"
		if r.Info != nil {
			version = r.Info.Version
		}
		t.Rows = append(t.Rows, []string{r.Name, version, r.Path})
	}
	return t.Print(streams.Out, false, false)
}

func newCmdVersion(streams genericiooptions.IOStreams) *cobra.Command {
	out := cmdutil.NewOutputFlags()
	var withPlugins bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version of kubectl tko (with --plugins, of every tko plugin on PATH)",
		Long: cmdutil.LongDesc(`
			Print the version of kubectl tko. With --plugins, also find every tko
			plugin on PATH and print its version: that searches every PATH directory
			and starts each plugin, which 'kubectl tko' alone does too.`),
		Example: cmdutil.Examples(`
			# The umbrella's version
			kubectl tko version

			# Every plugin's version as JSON, for a bug report
			kubectl tko version --plugins -o json`),
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			self := buildinfo.Get("kubectl-tko")
			var rows []Row
			if withPlugins {
				rows = collect(cmd.Context())
			}
			if !out.Human() {
				return out.PrintData(streams.Out, struct {
					Umbrella buildinfo.Info `json:"umbrella"`
					Plugins  []Row          `json:"plugins,omitempty"`
				}{self, rows})
			}
			t := cmdutil.Table{Columns: []cmdutil.Column{{Header: "PLUGIN"}, {Header: "VERSION"}, {Header: "COMMIT"}, {Header: "BUILT"}, {Header: "PATH", Wide: true}}}
			t.Rows = append(t.Rows, []string{"tko", self.Version, self.Commit, self.Date, ""})
			for _, r := range rows {
				if r.Info == nil {
					t.Rows = append(t.Rows, []string{r.Name, "<error: " + r.Error + ">", "", "", r.Path})
					continue
				}
				t.Rows = append(t.Rows, []string{r.Name, r.Info.Version, r.Info.Commit, r.Info.Date, r.Path})
			}
			return t.Print(streams.Out, out.Wide(), out.NoHeaders)
		},
	}
	// Listing plugins is opt-in: a version check (scripts, prompts, the
	// plugin list of 'kubectl tko') should not search PATH.
	cmd.Flags().BoolVar(&withPlugins, "plugins", false, "Also print the version of every tko plugin on PATH (runs each).")
	out.AddFlags(cmd)
	return cmd
}

// completePlugin completes plugin names, then hands the rest of the line to
// the plugin's own completion so `kubectl tko cluster get <TAB>` works.
func completePlugin(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		var names []string
		for _, p := range Find() {
			if strings.HasPrefix(p.Name, toComplete) {
				names = append(names, p.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
	path, err := Lookup(args[0])
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), 5*time.Second)
	defer cancel()
	completeArgs := append(append([]string{cobra.ShellCompRequestCmd}, args[1:]...), toComplete)
	out, err := exec.CommandContext(ctx, path, completeArgs...).Output()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return parseCompletion(out)
}

func parseCompletion(out []byte) ([]string, cobra.ShellCompDirective) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	directive := cobra.ShellCompDirectiveDefault
	if n := len(lines); n > 0 && strings.HasPrefix(lines[n-1], ":") {
		var d int
		if _, err := fmt.Sscanf(lines[n-1], ":%d", &d); err == nil {
			directive = cobra.ShellCompDirective(d)
		}
		lines = lines[:n-1]
	}
	return lines, directive
}
