package tkg

import (
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
)

func TestNewestClass(t *testing.T) {
	for _, tt := range []struct {
		name  string
		names []string
		want  string
	}{
		{"semantic, not string order", []string{"tkg-vsphere-default-v1.9.0", "tkg-vsphere-default-v1.10.0"}, "tkg-vsphere-default-v1.10.0"},
		{"order of the list does not matter", []string{"tkg-vsphere-default-v1.10.0", "tkg-vsphere-default-v1.9.0", "tkg-vsphere-default-v1.2.0"}, "tkg-vsphere-default-v1.10.0"},
		{"patch versions", []string{"tkg-vsphere-default-v1.2.10", "tkg-vsphere-default-v1.2.9"}, "tkg-vsphere-default-v1.2.10"},
		{"a versioned name beats an unversioned one", []string{"tkg-vsphere-default", "tkg-vsphere-default-v1.0.0"}, "tkg-vsphere-default-v1.0.0"},
		{"a versioned name beats a suffix that is no version", []string{"tkg-vsphere-default-custom", "tkg-vsphere-default-v1.1.0"}, "tkg-vsphere-default-v1.1.0"},
		{"only unversioned names: by name", []string{"tkg-vsphere-default-custom", "tkg-vsphere-default"}, "tkg-vsphere-default-custom"},
		{"other classes are ignored", []string{"tkg-vsphere-defaultish-v9.0.0", "my-class-v2.0.0", "tkg-vsphere-default-v1.2.0"}, "tkg-vsphere-default-v1.2.0"},
		{"none", []string{"my-class"}, ""},
		{"empty", nil, ""},
	} {
		if got := NewestClass(tt.names, DefaultClassPrefix); got != tt.want {
			t.Errorf("%s: NewestClass(%v) = %q, want %q", tt.name, tt.names, got, tt.want)
		}
	}
}

func TestChooseTKR(t *testing.T) {
	tkrs := []capi.TKR{
		{Name: "v1.29.9---vmware.1-tkg.1", Kubernetes: "v1.29.9+vmware.1", Ready: true, Compatible: true},
		{Name: "v1.30.2---vmware.1-tkg.1", Kubernetes: "v1.30.2+vmware.1", Ready: true, Compatible: true},
		{Name: "v1.31.1---vmware.2-tkg.2", Kubernetes: "v1.31.1+vmware.2", Ready: false, Compatible: true},
	}
	for _, tt := range []struct {
		name, want      string
		served          bool
		version, tkr    string
		problem, source string
	}{
		{"newest Ready and compatible by default", "", true, "v1.30.2+vmware.1", "v1.30.2---vmware.1-tkg.1", "", ""},
		{"by Kubernetes version", "v1.29.9+vmware.1", true, "v1.29.9+vmware.1", "v1.29.9---vmware.1-tkg.1", "", ""},
		{"by TKR name", "v1.31.1---vmware.2-tkg.2", true, "v1.31.1+vmware.2", "v1.31.1---vmware.2-tkg.2", "", ""},
		{"unknown", "v1.99.0", true, "v1.99.0", "", `"v1.99.0" is not a TanzuKubernetesRelease here (available: `, "KUBERNETES_VERSION/TKR"},
		{"no TKRs served: taken as given", "v1.28.0", false, "v1.28.0", "", "", ""},
		{"no TKRs served and none given", "", false, "", "", "required: this management cluster serves no TanzuKubernetesReleases to choose from", "KUBERNETES_VERSION"},
	} {
		got := ChooseTKR(tt.want, tkrs, tt.served)
		if got.Version != tt.version || got.TKR != tt.tkr {
			t.Errorf("%s: got %s/%s, want %s/%s", tt.name, got.Version, got.TKR, tt.version, tt.tkr)
		}
		switch {
		case tt.problem == "" && got.Problem != nil:
			t.Errorf("%s: unexpected problem %v", tt.name, got.Problem)
		case tt.problem != "" && (got.Problem == nil || got.Problem.Source != tt.source || len(got.Problem.Message) < len(tt.problem) || got.Problem.Message[:len(tt.problem)] != tt.problem):
			t.Errorf("%s: problem %+v, want %s: %s...", tt.name, got.Problem, tt.source, tt.problem)
		}
	}
	if got := ChooseTKR("", tkrs[2:], true); got.Problem == nil || got.Problem.Message != "no Ready and compatible TanzuKubernetesRelease to default to" {
		t.Errorf("no Ready TKR: %+v", got)
	}
}
