// Package buildinfo holds the version stamp every plugin reports. The values
// are set at link time:
//
//	-X github.com/vmware-tanzu-labs/kubectl-tko/internal/buildinfo.Version=v0.1.0
package buildinfo

import "runtime"

// Set by -ldflags -X; the defaults mark a developer build.
var (
	Version = "v0.0.0-dev"
	Commit  = "unknown"
	Date    = "unknown"
)

// Info is the version record printed by `version` and collected by the umbrella.
type Info struct {
	Plugin    string `json:"plugin"`
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"`
}

// Get returns the stamped version of the running binary.
func Get(plugin string) Info {
	return Info{
		Plugin:    plugin,
		Version:   Version,
		Commit:    Commit,
		Date:      Date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
}
