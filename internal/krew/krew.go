// Package krew describes the kubectl tko plugins for krew and renders
// their manifests (krew.googlecontainertools.github.com/v1alpha2). The
// types mirror krew's own index types; krew itself is not imported because
// its module pins an ancient client-go.
package krew

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
)

// ReleaseURL is where release archives are published.
const ReleaseURL = "https://github.com/vmware-tanzu-labs/kubectl-tko/releases/download"

// Homepage of the project.
const Homepage = "https://github.com/vmware-tanzu-labs/kubectl-tko"

// Platforms krew installs the plugins on.
var Platforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}

// PluginInfo is one plugin's krew metadata.
type PluginInfo = pluginlist.Plugin

// PluginNames lists the krew names.
func PluginNames() []string {
	var names []string
	for _, p := range pluginlist.All() {
		names = append(names, p.KrewName)
	}
	return names
}

// Plugin finds a plugin by krew name.
func Plugin(name string) (PluginInfo, bool) {
	for _, p := range pluginlist.All() {
		if p.KrewName == name {
			return p, true
		}
	}
	return PluginInfo{}, false
}

// Asset is one built archive.
type Asset struct {
	OS, Arch, File, SHA256, Bin, URL string
}

// Manifest types, as in sigs.k8s.io/krew/pkg/index.
type (
	manifest struct {
		APIVersion string   `json:"apiVersion"`
		Kind       string   `json:"kind"`
		Metadata   metadata `json:"metadata"`
		Spec       spec     `json:"spec"`
	}
	metadata struct {
		Name string `json:"name"`
	}
	spec struct {
		Version          string     `json:"version"`
		Homepage         string     `json:"homepage"`
		ShortDescription string     `json:"shortDescription"`
		Description      string     `json:"description"`
		Caveats          string     `json:"caveats,omitempty"`
		Platforms        []platform `json:"platforms"`
	}
	platform struct {
		Selector selector `json:"selector"`
		URI      string   `json:"uri"`
		SHA256   string   `json:"sha256"`
		Bin      string   `json:"bin"`
		Files    []file   `json:"files"`
	}
	selector struct {
		MatchLabels map[string]string `json:"matchLabels"`
	}
	file struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
)

func caveats(p PluginInfo) string {
	if p.KrewName == "tko" {
		return "Run 'kubectl tko' to list the installed tko plugins. Install them with\n'kubectl krew install tko-cluster' (and tko-package, tko-auth, tko-lb, tko-observe);\n'kubectl tko <plugin>' then runs them.\n"
	}
	short := strings.TrimPrefix(p.KrewName, "tko-")
	return fmt.Sprintf("Run it as 'kubectl %s' or, with the tko umbrella installed\n(kubectl krew install tko), as 'kubectl tko %s'.\n\nShell completion through kubectl (1.26+) needs a helper on PATH named\nkubectl_complete-%s that runs: kubectl-%s __complete \"$@\"\n(make install in the source tree installs it).\n",
		p.KrewName, short, strings.ReplaceAll(p.KrewName, "-", "_"), strings.ReplaceAll(p.KrewName, "-", "_"))
}

// Manifest renders a plugin's krew manifest for the given archives.
func Manifest(p PluginInfo, version string, assets []Asset) ([]byte, error) {
	m := manifest{
		APIVersion: "krew.googlecontainertools.github.com/v1alpha2",
		Kind:       "Plugin",
		Metadata:   metadata{Name: p.KrewName},
		Spec: spec{
			Version: version, Homepage: Homepage, ShortDescription: p.ShortDescription,
			Description: p.Description, Caveats: caveats(p),
		},
	}
	sort.Slice(assets, func(i, j int) bool { return assets[i].OS+assets[i].Arch < assets[j].OS+assets[j].Arch })
	for _, a := range assets {
		m.Spec.Platforms = append(m.Spec.Platforms, platform{
			Selector: selector{MatchLabels: map[string]string{"os": a.OS, "arch": a.Arch}},
			URI:      a.URL, SHA256: a.SHA256, Bin: a.Bin,
			Files: []file{{From: a.Bin, To: "."}, {From: "LICENSE", To: "."}},
		})
	}
	out, err := yaml.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encoding the %s manifest: %w", p.KrewName, err)
	}
	return out, nil
}

var (
	sha256RE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-f0-9]{64}$`) })
	nameRE   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9][a-z0-9-]*[a-z0-9]$`) })
)

// Validate applies krew's index rules to a manifest read from file
// NAME.yaml: the name matches the file, the version is semver with a
// leading v, every platform has a URI, a 64-hex sha256, a bin and a LICENSE
// file, and no two platforms' selectors overlap.
func Validate(fileName string, raw []byte) []string {
	var m manifest
	if err := yaml.UnmarshalStrict(raw, &m); err != nil {
		return []string{"not a krew manifest: " + err.Error()}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	name := strings.TrimSuffix(fileName, ".yaml")
	if m.APIVersion != "krew.googlecontainertools.github.com/v1alpha2" || m.Kind != "Plugin" {
		bad("apiVersion/kind %s/%s, want krew.googlecontainertools.github.com/v1alpha2 Plugin", m.APIVersion, m.Kind)
	}
	if m.Metadata.Name != name || !nameRE().MatchString(name) {
		bad("metadata.name %q must be a valid plugin name equal to the file name %q", m.Metadata.Name, name)
	}
	if !strings.HasPrefix(m.Spec.Version, "v") {
		bad("version %q must start with v", m.Spec.Version)
	} else if _, err := semver.StrictNewVersion(strings.TrimPrefix(m.Spec.Version, "v")); err != nil {
		bad("version %q is not semantic: %v", m.Spec.Version, err)
	}
	if m.Spec.ShortDescription == "" || len(m.Spec.ShortDescription) > 255 {
		bad("shortDescription must be set and at most 255 characters")
	}
	if m.Spec.Homepage == "" || m.Spec.Description == "" {
		bad("homepage and description must be set")
	}
	if len(m.Spec.Platforms) == 0 {
		bad("no platforms")
	}
	seen := map[string]int{}
	for i, p := range m.Spec.Platforms {
		if p.URI == "" || p.Bin == "" {
			bad("platform %d: uri and bin must be set", i)
		}
		if !sha256RE().MatchString(p.SHA256) {
			bad("platform %d: sha256 %q is not 64 lower-case hex digits", i, p.SHA256)
		}
		license := false
		for _, f := range p.Files {
			license = license || f.From == "LICENSE"
		}
		if !license {
			bad("platform %d: LICENSE is not among the files", i)
		}
		os, arch := p.Selector.MatchLabels["os"], p.Selector.MatchLabels["arch"]
		if os == "" || arch == "" || len(p.Selector.MatchLabels) != 2 {
			bad("platform %d: selector must match exactly os and arch", i)
		}
		if j, dup := seen[os+"/"+arch]; dup {
			bad("platforms %d and %d both match %s/%s", j, i, os, arch)
		}
		seen[os+"/"+arch] = i
	}
	return problems
}
