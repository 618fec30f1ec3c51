// Package pluginlist is the one list of the kubectl tko plugins. The list
// itself is plugins.tsv beside this file, so that the Makefile reads the
// same list as the docs and krew generators, the bench and the tests.
package pluginlist

import (
	_ "embed"
	"strings"
)

//go:embed plugins.tsv
var table string

// Plugin is one plugin binary.
type Plugin struct {
	Binary           string // kubectl-tko-cluster
	Name             string // "cluster"; "" for the umbrella
	KrewName         string // tko-cluster
	ShortDescription string // krew's one line
	Description      string // krew's paragraph
}

// All returns every plugin, the umbrella first.
func All() []Plugin {
	var out []Plugin
	for _, line := range strings.Split(table, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		for len(f) < 4 {
			f = append(f, "")
		}
		out = append(out, Plugin{
			Binary:           f[0],
			Name:             strings.TrimPrefix(strings.TrimPrefix(f[0], "kubectl-tko"), "-"),
			KrewName:         f[1],
			ShortDescription: f[2],
			Description:      f[3],
		})
	}
	return out
}

// Subcommands returns the plugins reached as `kubectl tko NAME`: all but
// the umbrella.
func Subcommands() []Plugin {
	var out []Plugin
	for _, p := range All() {
		if p.Name != "" {
			out = append(out, p)
		}
	}
	return out
}

// Binaries returns every binary name.
func Binaries() []string {
	all := All()
	out := make([]string, len(all))
	for i, p := range all {
		out[i] = p.Binary
	}
	return out
}
