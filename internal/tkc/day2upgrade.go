package tkc

import (
	"context"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Release is a TanzuKubernetesRelease as an upgrade reads it: with the
// messages of its conditions, which say why it cannot be used.
type Release struct {
	capi.TKR
	Version          string   `json:"version,omitempty"` // spec.version, e.g. v1.27.10+vmware.1-fips.1-tkg.1
	CompatibleReason string   `json:"compatibleMessage,omitempty"`
	ReadyMessage     string   `json:"-"`
	Updates          []string `json:"-"` // UpdatesAvailable
	HasUpdates       bool     `json:"-"`
}

// Releases lists the TanzuKubernetesReleases the Supervisor serves; ok is
// false when it serves none.
func Releases(ctx context.Context, dyn dynamic.Interface, api capi.API) ([]Release, bool, error) {
	gvr, ok := api.GroupResource(Group, "tanzukubernetesreleases")
	if !ok {
		return nil, false, nil
	}
	list, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, true, fmt.Errorf("listing TanzuKubernetesReleases: %w", err)
	}
	out := make([]Release, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, releaseFrom(&list.Items[i]))
	}
	return out, true, nil
}

func releaseFrom(u *unstructured.Unstructured) Release {
	r := Release{TKR: capi.TKRFrom(u)}
	r.Version, _, _ = unstructured.NestedString(u.Object, "spec", "version")
	conds := wait.Conditions(u)
	if c, ok := wait.Find(conds, "Ready"); ok {
		r.ReadyMessage = condMessage(c)
	} else {
		r.Ready = true // a release without the condition is not held back by it
	}
	if c, ok := wait.Find(conds, "Compatible"); ok {
		r.CompatibleReason = condMessage(c)
	}
	if c, ok := wait.Find(conds, "UpdatesAvailable"); ok {
		r.HasUpdates = c.Status == "True"
		r.Updates = parseUpdates(c.Message)
	}
	return r
}

func condMessage(c wait.Condition) string {
	if c.Message != "" {
		return strings.Join(strings.Fields(c.Message), " ")
	}
	return c.Reason
}

// parseUpdates reads the versions of an UpdatesAvailable message, which
// the TKR controller writes as a list: "[v1.27.10+vmware.1-tkg.1 v1.28.8+vmware.1-tkg.1]"
// (older Supervisors without the v, some with commas).
func parseUpdates(msg string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(msg, func(r rune) bool { return strings.ContainsRune(" ,;[]\"'\t\n", r) }) {
		if strings.Count(f, ".") >= 2 && strings.TrimLeft(f, "v")[0] >= '0' && strings.TrimLeft(f, "v")[0] <= '9' {
			out = append(out, f)
		}
	}
	return out
}

// Find returns the release of a TKR name, a release version or a
// Kubernetes version.
func Find(releases []Release, want string) (Release, bool) {
	v := "v" + strings.TrimPrefix(want, "v")
	for _, r := range releases {
		if r.Name == want || r.Version == v || r.Name == strings.Replace(v, "+", "---", 1) {
			return r, true
		}
	}
	for _, r := range releases {
		if r.Kubernetes == v {
			return r, true
		}
	}
	return Release{}, false
}

// CheckUpgrade says whether a cluster running the release from may move
// to the release to: not down, no skipped minor, and to a release the
// Supervisor marks Compatible (and Ready), refused with its own message.
func CheckUpgrade(from, to Release) error {
	if !to.Compatible {
		return &IncompatibleError{Release: to.Name, Condition: "Compatible", Message: to.CompatibleReason}
	}
	if !to.Ready {
		return &IncompatibleError{Release: to.Name, Condition: "Ready", Message: to.ReadyMessage}
	}
	return capi.UpgradeCheck(from.Kubernetes, to.Kubernetes)
}

// IncompatibleError refuses a TanzuKubernetesRelease the Supervisor does
// not offer, with the reason its condition gives.
type IncompatibleError struct{ Release, Condition, Message string }

func (e *IncompatibleError) Error() string {
	msg := fmt.Sprintf("TanzuKubernetesRelease %s is not %s", e.Release, e.Condition)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg + "; pick one that is (kubectl tko cluster available-upgrades NAME)"
}

// Class implements errs.Classed.
func (e *IncompatibleError) Class() errs.Class { return errs.ClassInvalid }

// Upgrade is an available upgrade of a cluster.
type Upgrade struct {
	Name       string `json:"name"`
	Kubernetes string `json:"kubernetesVersion"`
	Ready      bool   `json:"ready"`
	Compatible bool   `json:"compatible"`
	Known      bool   `json:"known"` // a TanzuKubernetesRelease of it is served here
}

// AvailableUpgrades lists what the current release's UpdatesAvailable
// condition offers, each marked by what its own release says, oldest
// first; current is the TKR name the control plane runs.
func AvailableUpgrades(current string, releases []Release) (Release, []Upgrade, error) {
	cur, ok := Find(releases, current)
	if !ok {
		return Release{}, nil, &errs.NotFoundError{Kind: "TanzuKubernetesRelease", Name: current,
			Hint: "the cluster's control plane names it but the Supervisor does not serve it"}
	}
	var out []Upgrade
	for _, v := range cur.Updates {
		up := Upgrade{Name: strings.Replace("v"+strings.TrimPrefix(v, "v"), "+", "---", 1), Kubernetes: capi.KubernetesVersionOfTKR(v)}
		if r, ok := Find(releases, v); ok {
			up = Upgrade{Name: r.Name, Kubernetes: r.Kubernetes, Ready: r.Ready, Compatible: r.Compatible, Known: true}
		}
		out = append(out, up)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, errA := semver.NewVersion(strings.TrimPrefix(out[i].Kubernetes, "v"))
		b, errB := semver.NewVersion(strings.TrimPrefix(out[j].Kubernetes, "v"))
		return errA == nil && errB == nil && a.LessThan(b)
	})
	return cur, out, nil
}
