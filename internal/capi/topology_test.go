package capi

import (
	"strings"
	"testing"
)

func TestUpgradeCheck(t *testing.T) {
	for _, tt := range []struct{ from, to, err string }{
		{"v1.29.9+vmware.1", "v1.30.2+vmware.1", ""},
		{"v1.29.9+vmware.1", "v1.29.10+vmware.1", ""},
		{"v1.29.9+vmware.1", "v1.31.1+vmware.2", "skips a minor version"},
		{"v1.30.2+vmware.1", "v1.29.9+vmware.1", "cannot be downgraded"},
		{"v1.30.2+vmware.1", "1.30", "not a valid Kubernetes version"},
	} {
		err := UpgradeCheck(tt.from, tt.to)
		if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s → %s: %v, want %q", tt.from, tt.to, err, tt.err)
		}
	}
}

func TestAvailableUpgrades(t *testing.T) {
	tkrs := []TKR{
		{Name: "a", Kubernetes: "v1.29.9+vmware.1", Ready: true, Compatible: true},
		{Name: "b", Kubernetes: "v1.30.2+vmware.1", Ready: true, Compatible: true},
		{Name: "c", Kubernetes: "v1.30.5+vmware.1", Ready: false, Compatible: true},
		{Name: "d", Kubernetes: "v1.31.1+vmware.2", Ready: true, Compatible: true},
	}
	got := AvailableUpgrades("v1.29.9+vmware.1", tkrs)
	if len(got) != 1 || got[0].Name != "b" {
		t.Errorf("upgrades from 1.29: %+v", got)
	}
}

func TestKubernetesVersionOfTKR(t *testing.T) {
	if v := KubernetesVersionOfTKR("v1.30.2---vmware.1-tkg.1"); v != "v1.30.2+vmware.1" {
		t.Errorf("got %s", v)
	}
}

func TestPoolEditing(t *testing.T) {
	u := parse(t, v1beta1Cluster)
	if err := SetPoolReplicas(u, "", 3); err == nil || !strings.Contains(err.Error(), "2 node pools (md-0, md-1)") {
		t.Errorf("ambiguous pool: %v", err)
	}
	if err := SetPoolReplicas(u, "md-1", 4); err != nil {
		t.Fatal(err)
	}
	if err := SetControlPlaneReplicas(u, 2); err == nil {
		t.Error("even control plane accepted")
	}
	n := int64(2)
	if err := SetPool(u, Pool{Name: "md-gpu", Replicas: &n}); err != nil {
		t.Fatal(err)
	}
	c := FromUnstructured(u)
	if len(c.Pools) != 3 || *c.Pools[1].Replicas != 4 || c.Pools[2].Class != "tkg-worker" {
		t.Errorf("pools %+v", c.Pools)
	}
	if err := DeletePool(u, "md-9"); err == nil {
		t.Error("deleting an unknown pool succeeded")
	}
	changes := Diff("", parse(t, v1beta1Cluster).Object["spec"], u.Object["spec"])
	if len(changes) != 2 || changes[0].String() != "topology.workers.machineDeployments[md-1].replicas: 1 → 4" {
		t.Errorf("diff: %v", changes)
	}
}

func TestClassAllows(t *testing.T) {
	class := parse(t, "apiVersion: cluster.x-k8s.io/v1beta2\nkind: ClusterClass\nmetadata: {name: c}\nspec: {kubernetesVersions: [v1.30.2, v1.31.1]}\n")
	if err := ClassAllows(class, "v1.31.1"); err != nil {
		t.Error(err)
	}
	if err := ClassAllows(class, "v1.32.0"); err == nil || !strings.Contains(err.Error(), "does not offer v1.32.0") {
		t.Errorf("got %v", err)
	}
}

// TestMaxUnhealthy takes what Cluster API's IntOrString takes, and stores a
// count as a number in both API versions.
func TestMaxUnhealthy(t *testing.T) {
	for _, ok := range []string{"0", "2", "40%", "100%"} {
		if _, err := ParseMaxUnhealthy(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"abc", "40 %", "2.5", "-1", "-5%", "%", "x%", "99999999999"} {
		if _, err := ParseMaxUnhealthy(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	u := parse(t, v1beta1Cluster)
	if err := SetHealthCheck(u, "md-0", HealthCheck{Enabled: true, MaxUnhealthy: "2"}); err != nil {
		t.Fatal(err)
	}
	for _, m := range pools(u) {
		if m := m.(map[string]any); m["name"] == "md-0" {
			if got := m["machineHealthCheck"].(map[string]any)["maxUnhealthy"]; got != int64(2) {
				t.Errorf("maxUnhealthy %#v, want int64(2)", got)
			}
		}
	}
	if err := SetHealthCheck(u, "md-0", HealthCheck{Enabled: true, MaxUnhealthy: "many"}); err == nil {
		t.Error("SetHealthCheck accepted max unhealthy \"many\"")
	}
}
