package capi

import (
	"context"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// TKRGroup serves TanzuKubernetesReleases on TKG management clusters.
const TKRGroup = "run.tanzu.vmware.com"

// TKR is a TanzuKubernetesRelease: a Kubernetes version TKG can deploy.
type TKR struct {
	Name       string `json:"name"`
	Kubernetes string `json:"kubernetesVersion"`
	Ready      bool   `json:"ready"`
	Compatible bool   `json:"compatible"`
	semver     *semver.Version
}

// KubernetesVersionOfTKR derives v1.30.2+vmware.1 from the TKR name
// v1.30.2---vmware.1-tkg.1 (the encoding TKG uses in names and labels).
func KubernetesVersionOfTKR(name string) string {
	v := strings.Replace(name, "---", "+", 1)
	if i := strings.LastIndex(v, "-tkg."); i > 0 {
		v = v[:i]
	}
	return v
}

// ListTKRs returns the served TKRs, oldest first, or ok=false when the
// cluster does not serve run.tanzu.vmware.com.
func ListTKRs(ctx context.Context, dyn dynamic.Interface, api API) ([]TKR, bool, error) {
	gvr, ok := api.GroupResource(TKRGroup, "tanzukubernetesreleases")
	if !ok {
		return nil, false, nil
	}
	list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, true, fmt.Errorf("listing TanzuKubernetesReleases: %w", err)
	}
	var out []TKR
	for i := range list.Items {
		out = append(out, TKRFrom(&list.Items[i]))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].semver != nil && out[j].semver != nil {
			return out[i].semver.LessThan(out[j].semver)
		}
		return out[i].Name < out[j].Name
	})
	return out, true, nil
}

// TKRFrom reads a TanzuKubernetesRelease.
func TKRFrom(u *unstructured.Unstructured) TKR {
	t := TKR{Name: u.GetName()}
	for _, path := range [][]string{{"spec", "kubernetes", "version"}, {"spec", "kubernetesVersion"}} {
		if v, _, _ := unstructured.NestedString(u.Object, path...); v != "" {
			t.Kubernetes = "v" + strings.TrimPrefix(v, "v")
			break
		}
	}
	if t.Kubernetes == "" {
		t.Kubernetes = KubernetesVersionOfTKR(t.Name)
	}
	conds := wait.Conditions(u)
	if c, ok := wait.Find(conds, "Ready"); ok {
		t.Ready = c.Status == "True"
	}
	if c, ok := wait.Find(conds, "Compatible"); ok {
		t.Compatible = c.Status == "True"
	} else {
		t.Compatible = true
	}
	t.semver, _ = ParseVersion(t.Kubernetes)
	return t
}

// ResolveTKR finds the TKR for a TKR name or a Kubernetes version.
func ResolveTKR(tkrs []TKR, want string) (TKR, bool) {
	for _, t := range tkrs {
		if t.Name == want || t.Kubernetes == want || t.Kubernetes == "v"+strings.TrimPrefix(want, "v") {
			return t, true
		}
	}
	return TKR{}, false
}

// Names lists TKR names for messages.
func Names(tkrs []TKR) string {
	names := make([]string, len(tkrs))
	for i, t := range tkrs {
		names[i] = t.Name + " (" + t.Kubernetes + ")"
	}
	return strings.Join(names, ", ")
}
