// Package docs generates the reference pages of docs/ from the command
// trees, so the documentation cannot drift from the commands.
package docs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/audit"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/auth"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/observe"
	packages "github.com/vmware-tanzu-labs/kubectl-tko/plugins/package"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/tko"
)

// constructors builds each plugin's command tree, by binary.
var constructors = map[string]func() cmdutil.Plugin{
	"kubectl-tko":         tko.Plugin,
	"kubectl-tko-cluster": func() cmdutil.Plugin { return cluster.Plugin().Command(cli.NewFactory()) },
	"kubectl-tko-package": func() cmdutil.Plugin { return packages.Plugin().Command(cli.NewFactory()) },
	"kubectl-tko-auth":    func() cmdutil.Plugin { return auth.Plugin().Command(cli.NewFactory()) },
	"kubectl-tko-lb":      func() cmdutil.Plugin { return lb.Plugin().Command(cli.NewFactory()) },
	"kubectl-tko-observe": func() cmdutil.Plugin { return observe.Plugin().Command(cli.NewFactory()) },
}

// Plugins are every plugin of the plugin list, umbrella first.
func Plugins() ([]cmdutil.Plugin, error) {
	var out []cmdutil.Plugin
	for _, p := range pluginlist.All() {
		build, ok := constructors[p.Binary]
		if !ok {
			return nil, fmt.Errorf("plugin %s is listed in internal/pluginlist but has no command tree here", p.Binary)
		}
		out = append(out, build())
	}
	return out, nil
}

// Generate writes every generated page into dir: docs/reference/*.md (one
// per command) and docs/audit-rules.md.
func Generate(dir string) error {
	ref := filepath.Join(dir, "reference")
	if err := os.RemoveAll(ref); err != nil {
		return err
	}
	if err := os.MkdirAll(ref, 0o755); err != nil {
		return err
	}
	streams := genericiooptions.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}
	plugins, err := Plugins()
	if err != nil {
		return err
	}
	for _, p := range plugins {
		root := cmdutil.NewRootCommand(p, streams)
		disableAutoGenTag(root)
		// The default depends on who generates the docs; show it generically.
		if f := root.PersistentFlags().Lookup("cache-dir"); f != nil {
			f.DefValue = "$HOME/.kube/cache"
		}
		if err := doc.GenMarkdownTree(root, ref); err != nil {
			return fmt.Errorf("generating the reference of %s: %w", p.DisplayName(), err)
		}
	}
	return os.WriteFile(filepath.Join(dir, "audit-rules.md"), []byte(audit.Markdown()), 0o644)
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGenTag(sub)
	}
}
