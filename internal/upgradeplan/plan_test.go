package upgradeplan

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func rel(name, k8s string, usable bool) Release {
	r := Release{TKR: capi.TKR{Name: name, Kubernetes: k8s, Ready: true, Compatible: usable}}
	if !usable {
		r.CompatibleReason = "needs management cluster v2.6 or later"
	}
	return r
}

var releases = []Release{
	rel("v1.31.1---vmware.2-tkg.2", "v1.31.1+vmware.2", true),
	rel("v1.29.9---vmware.1-tkg.1", "v1.29.9+vmware.1", true),
	rel("v1.30.2---vmware.1-tkg.1", "v1.30.2+vmware.1", true),
	rel("v1.30.5---vmware.1-tkg.1", "v1.30.5+vmware.1", false),
	rel("v1.33.0---vmware.1-tkg.1", "v1.33.0+vmware.1", true),
}

func names(steps []Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.TKR+"|"+s.KubernetesVersion)
	}
	return out
}

func TestChainNext(t *testing.T) {
	// The next minor's newest usable release, passing over a newer one that is not Compatible.
	steps, findings, err := Chain("v1.29.9+vmware.1", releases, nil)
	if err != nil || len(findings) != 0 || !reflect.DeepEqual(names(steps), []string{"v1.30.2---vmware.1-tkg.1|v1.30.2+vmware.1"}) {
		t.Errorf("from 1.29: %v %v %v", names(steps), findings, err)
	}
	// No 1.32 here: a newer patch is not offered either; nothing to do.
	steps, findings, err = Chain("v1.31.1+vmware.2", releases, nil)
	if err != nil || len(steps) != 0 || len(findings) != 0 {
		t.Errorf("from 1.31: %v %v %v", names(steps), findings, err)
	}
	// The next minor only offers a release that is not Compatible: planned, blocked with its reason.
	only := []Release{rel("v1.30.5---vmware.1-tkg.1", "v1.30.5+vmware.1", false)}
	steps, findings, _ = Chain("v1.29.9+vmware.1", only, nil)
	if len(steps) != 1 || len(findings) != 1 || findings[0].Code != CodeTKRNotCompatible || findings[0].Cause !=
		"TanzuKubernetesRelease v1.30.5---vmware.1-tkg.1 is not Compatible: needs management cluster v2.6 or later" {
		t.Errorf("incompatible next: %v %+v", names(steps), findings)
	}
}

func TestChainTo(t *testing.T) {
	target := releases[0] // 1.31.1
	steps, findings, err := Chain("v1.29.9+vmware.1", releases, &target)
	want := []string{"v1.30.2---vmware.1-tkg.1|v1.30.2+vmware.1", "v1.31.1---vmware.2-tkg.2|v1.31.1+vmware.2"}
	if err != nil || len(findings) != 0 || !reflect.DeepEqual(names(steps), want) {
		t.Errorf("1.29 to 1.31: %v %v %v", names(steps), findings, err)
	}
	// 1.32 is missing: the chain names the gap and blocks on it.
	far := releases[4]
	steps, findings, _ = Chain("v1.30.2+vmware.1", releases, &far)
	want = []string{"v1.31.1---vmware.2-tkg.2|v1.31.1+vmware.2", "|v1.32.x", "v1.33.0---vmware.1-tkg.1|v1.33.0+vmware.1"}
	if !reflect.DeepEqual(names(steps), want) || len(findings) != 1 || findings[0].Code != CodeNoPath || findings[0].Object != "v1.32" {
		t.Errorf("1.30 to 1.33: %v %+v", names(steps), findings)
	}
	// At the target already: nothing to do.
	if steps, findings, err := Chain("v1.31.1+vmware.2", releases, &target); err != nil || len(steps) != 0 || len(findings) != 0 {
		t.Errorf("at the target: %v %v %v", steps, findings, err)
	}
	// Below the current version: refused, for the caller to name every such cluster.
	old := releases[1]
	_, _, err = Chain("v1.30.2+vmware.1", releases, &old)
	var below *BelowCurrentError
	if !errors.As(err, &below) {
		t.Fatalf("below current: %v", err)
	}
	var classed errs.Classed
	if !errors.As(err, &classed) || classed.Class() != errs.ClassInvalid {
		t.Errorf("below current is not a usage error: %v", err)
	}
}

func TestResolveTarget(t *testing.T) {
	for _, to := range []string{"v1.30.2---vmware.1-tkg.1", "v1.30.2+vmware.1", "1.30.2+vmware.1"} {
		if r, err := ResolveTarget(releases, true, to); err != nil || r.Name != "v1.30.2---vmware.1-tkg.1" {
			t.Errorf("%s: %v %v", to, r.Name, err)
		}
	}
	_, err := ResolveTarget(releases, true, "v1.99.0---vmware.1-tkg.1")
	var nf *errs.NotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("unknown target: %v", err)
	}
	// Where no releases are served a Kubernetes version stands for itself.
	if r, err := ResolveTarget(nil, false, "v1.31.0+vmware.1"); err != nil || r.Kubernetes != "v1.31.0+vmware.1" {
		t.Errorf("without releases: %+v %v", r, err)
	}
}

func cluster(ns, name string, canary bool, blockers int) Cluster {
	c := Cluster{Namespace: ns, Name: name, Canary: canary, Steps: []Step{{KubernetesVersion: "v1.31.1"}}}
	for range blockers {
		c.block(Finding{Code: CodeNotHealthy})
	}
	return c
}

func TestAssignWaves(t *testing.T) {
	var cs []Cluster
	for i := range 9 {
		cs = append(cs, cluster("team-a", fmt.Sprintf("wc-%d", i), i == 7, 0))
	}
	cs = append(cs, cluster("team-a", "wc-blocked", true, 1))
	cs = append(cs, Cluster{Namespace: "team-a", Name: "wc-current"}) // nothing to do
	waves := AssignWaves(cs, WaveSize{Percent: 25})
	got := map[int][]string{}
	for _, w := range waves {
		got[w.Number] = w.Clusters
	}
	// 9 clusters move: the canary alone first, then waves of ceil(25% of 9) = 3.
	want := map[int][]string{
		1: {"team-a/wc-7"},
		2: {"team-a/wc-0", "team-a/wc-1", "team-a/wc-2"},
		3: {"team-a/wc-3", "team-a/wc-4", "team-a/wc-5"},
		4: {"team-a/wc-6", "team-a/wc-8"},
	}
	if !reflect.DeepEqual(got, want) || !waves[0].Canary || waves[1].Canary {
		t.Errorf("waves %+v", waves)
	}
	for _, c := range cs[9:] {
		if c.Wave != 0 {
			t.Errorf("%s is in wave %d", c.Name, c.Wave)
		}
	}
	if cs[7].Wave != 1 || cs[8].Wave != 4 {
		t.Errorf("wave of wc-7 %d, of wc-8 %d", cs[7].Wave, cs[8].Wave)
	}
	waves = AssignWaves(cs, WaveSize{Count: 5})
	if len(waves) != 3 || len(waves[1].Clusters) != 5 || len(waves[2].Clusters) != 3 {
		t.Errorf("waves of 5: %+v", waves)
	}
	if waves := AssignWaves(nil, WaveSize{Percent: 25}); waves == nil || len(waves) != 0 {
		t.Errorf("no clusters: %#v", waves)
	}
}

func TestParseWaveSize(t *testing.T) {
	for in, want := range map[string]WaveSize{"25%": {Percent: 25}, "100%": {Percent: 100}, "3": {Count: 3}} {
		if got, err := ParseWaveSize(in); err != nil || got != want {
			t.Errorf("%s: %+v %v", in, got, err)
		}
	}
	for _, bad := range []string{"0", "-1", "0%", "101%", "x", "2.5", ""} {
		if _, err := ParseWaveSize(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
