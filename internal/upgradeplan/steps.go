package upgradeplan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/semver"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/tkc"
)

// Release is a TanzuKubernetesRelease as the plan reads it, with the
// messages of its conditions.
type Release = tkc.Release

// ResolveTarget finds the release --to names: a TKR name, a release
// version or a Kubernetes version. Without releases served, a Kubernetes
// version stands for itself.
func ResolveTarget(releases []Release, served bool, to string) (Release, error) {
	if r, ok := tkc.Find(releases, to); ok {
		return r, nil
	}
	if !served {
		if _, err := capi.ParseVersion(to); err == nil {
			v := "v" + strings.TrimPrefix(to, "v")
			return Release{TKR: capi.TKR{Kubernetes: v, Ready: true, Compatible: true}}, nil
		}
	}
	names := make([]string, len(releases))
	for i, r := range sortReleases(releases) {
		names[i] = r.Name
	}
	return Release{}, &errs.NotFoundError{Kind: "TanzuKubernetesRelease", Name: to, Hint: "available here: " + errs.OrNone(names)}
}

// BelowCurrentError refuses a target older than a selected cluster.
type BelowCurrentError struct {
	Target   string
	Clusters []string // "namespace/name (version)"
}

func (e *BelowCurrentError) Error() string {
	return fmt.Sprintf("--to %s is older than %s: clusters are never downgraded; pick a target at or above every selected cluster, or leave those out",
		e.Target, strings.Join(e.Clusters, ", "))
}

// Class implements errs.Classed.
func (e *BelowCurrentError) Class() errs.Class { return errs.ClassInvalid }

type versioned struct {
	Release
	v *semver.Version
}

func sortReleases(releases []Release) []Release {
	out := append([]Release(nil), releases...)
	sort.SliceStable(out, func(i, j int) bool {
		a, errA := capi.ParseVersion(out[i].Kubernetes)
		b, errB := capi.ParseVersion(out[j].Kubernetes)
		if errA != nil || errB != nil {
			return out[i].Name < out[j].Name
		}
		return a.LessThan(b)
	})
	return out
}

func parsed(releases []Release) []versioned {
	var out []versioned
	for _, r := range sortReleases(releases) {
		if v, err := capi.ParseVersion(r.Kubernetes); err == nil {
			out = append(out, versioned{r, v})
		}
	}
	return out
}

// pick is the newest release of major.minor newer than after: a usable one
// (Ready and Compatible) if there is one, else the newest, for its blocker.
func pick(rs []versioned, major, minor uint64, after *semver.Version) (versioned, bool) {
	var best, bestUsable *versioned
	for i := range rs {
		r := &rs[i]
		if r.v.Major() != major || r.v.Minor() != minor || !r.v.GreaterThan(after) {
			continue
		}
		best = r
		if r.Ready && r.Compatible {
			bestUsable = r
		}
	}
	switch {
	case bestUsable != nil:
		return *bestUsable, true
	case best != nil:
		return *best, true
	}
	return versioned{}, false
}

// Chain plans the steps from the current Kubernetes version: to the next
// minor (or, with none, a newer patch) when target is nil, else through
// every minor up to target. Each release that cannot be used is a blocker,
// as is a minor no release offers. A target older than current is a
// BelowCurrentError for the caller to gather.
func Chain(current string, releases []Release, target *Release) ([]Step, []Finding, error) {
	cur, err := capi.ParseVersion(current)
	if err != nil {
		return nil, []Finding{{Code: CodeNoPath, Cause: fmt.Sprintf("the cluster's version %q cannot be read", current),
			Fix: "check spec.topology.version of the cluster"}}, nil
	}
	rs := parsed(releases)
	if target == nil {
		r, ok := pick(rs, cur.Major(), cur.Minor()+1, cur)
		if !ok {
			r, ok = pick(rs, cur.Major(), cur.Minor(), cur)
		}
		if !ok {
			return nil, nil, nil
		}
		return []Step{step(r.Release)}, releaseFindings(r.Release), nil
	}
	final, err := capi.ParseVersion(target.Kubernetes)
	if err != nil {
		return nil, nil, errs.Invalidf("--to %s: %v", target.Kubernetes, err)
	}
	switch {
	case final.LessThan(cur):
		return nil, nil, &BelowCurrentError{Target: target.Kubernetes}
	case final.Equal(cur):
		return nil, nil, nil
	case final.Major() != cur.Major():
		return nil, []Finding{{Code: CodeNoPath, Cause: fmt.Sprintf("%s is another major version than %s", target.Kubernetes, current),
			Fix: "pick a target of the same major version"}}, nil
	}
	var steps []Step
	var findings []Finding
	for m := cur.Minor() + 1; m < final.Minor(); m++ {
		r, ok := pick(rs, cur.Major(), m, cur)
		if !ok {
			steps = append(steps, Step{KubernetesVersion: fmt.Sprintf("v%d.%d.x", cur.Major(), m)})
			findings = append(findings, Finding{Code: CodeNoPath, Object: fmt.Sprintf("v%d.%d", cur.Major(), m),
				Cause: fmt.Sprintf("no TanzuKubernetesRelease of v%d.%d is served here, and upgrades go one minor at a time", cur.Major(), m),
				Fix:   "install a TanzuKubernetesRelease of that minor version (a newer TKG release brings it), then plan again"})
			continue
		}
		steps = append(steps, step(r.Release))
		findings = append(findings, releaseFindings(r.Release)...)
	}
	steps = append(steps, step(*target))
	findings = append(findings, releaseFindings(*target)...)
	return steps, findings, nil
}

func step(r Release) Step { return Step{TKR: r.Name, KubernetesVersion: r.Kubernetes} }

func releaseFindings(r Release) []Finding {
	var out []Finding
	obj := "TanzuKubernetesRelease/" + r.Name
	if !r.Compatible {
		cause := "TanzuKubernetesRelease " + r.Name + " is not Compatible"
		if r.CompatibleReason != "" {
			cause += ": " + r.CompatibleReason
		}
		out = append(out, Finding{Code: CodeTKRNotCompatible, Object: obj, Cause: cause,
			Fix: "upgrade the management cluster (or Supervisor) to a version that supports it, or plan to another target (kubectl tko cluster available-upgrades NAME)"})
	}
	if !r.Ready {
		cause := "TanzuKubernetesRelease " + r.Name + " is not Ready"
		if r.ReadyMessage != "" {
			cause += ": " + r.ReadyMessage
		}
		out = append(out, Finding{Code: CodeTKRNotReady, Object: obj, Cause: cause,
			Fix: "wait until it is Ready (kubectl get tkr " + r.Name + ") or plan to another target"})
	}
	return out
}
