package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

// TestVSphereNamespaces reads the seeded Supervisor through kubectl: the VM
// classes and the storage quota of each vSphere namespace as the estate
// has them, and its TanzuKubernetesClusters.
func TestVSphereNamespaces(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "vsphere-namespaces").Success()
	if got := r.StdoutLines()[0]; got != "NAME\tVM-CLASSES\tSTORAGE\tTKCS" {
		t.Errorf("header %q", got)
	}
	var storage []string
	for _, s := range seed.StorageClasses {
		storage = append(storage, s.Name+"="+s.Used+"/"+s.Hard)
	}
	// The quota's classes are sorted by name: tanzu-gold first.
	want := []string{seed.VSphereNamespace, "best-effort-medium,best-effort-small,guaranteed-large", storage[1] + "," + storage[0], "2"}
	if row := rowOf(t, r.Stdout, seed.VSphereNamespace, 0); strings.Join(row, "|") != strings.Join(want, "|") {
		t.Errorf("row %q, want %q", row, want)
	}
	want = []string{"vsphere-ns-1", "best-effort-large,best-effort-medium", "vsan-default-storage-policy=0/2Ti", "1"}
	if row := rowOf(t, r.Stdout, "vsphere-ns-1", 0); strings.Join(row, "|") != strings.Join(want, "|") {
		t.Errorf("vSphere 7 row %q, want %q", row, want)
	}
	r.StdoutLacks("\ndefault\t", "\nteam-a\t")

	wide := e.Kubectl("tko", "cluster", "vsphere-namespaces", seed.VSphereNamespace, "-o", "wide").Success()
	if row := rowOf(t, wide.Stdout, seed.VSphereNamespace, 0); len(row) != 6 || row[4] != "domain-c8" || row[5] != "tkc-dev-1,tkc-prod-1" {
		t.Errorf("wide row %q", row)
	}

	out := e.Kubectl("tko", "cluster", "vsphere-namespaces", seed.VSphereNamespace, "-o", "json").Success()
	var ns struct {
		APIVersion, Kind string
		Metadata         struct{ Name string }
		VMClasses        []string
		StorageClasses   []struct{ Class, Used, Hard string }
		TKCs             []string `json:"tanzuKubernetesClusters"`
	}
	if err := json.Unmarshal([]byte(out.Stdout), &ns); err != nil {
		t.Fatal(err)
	}
	if ns.APIVersion != "tko.tanzu.vmware.com/v1alpha1" || ns.Kind != "VSphereNamespace" || ns.Metadata.Name != seed.VSphereNamespace ||
		len(ns.VMClasses) != 3 || len(ns.TKCs) != 2 || len(ns.StorageClasses) != len(seed.StorageClasses) {
		t.Errorf("json: %+v", ns)
	}
	for _, s := range seed.StorageClasses {
		found := false
		for _, got := range ns.StorageClasses {
			found = found || (got.Class == s.Name && got.Used == s.Used && got.Hard == s.Hard)
		}
		if !found {
			t.Errorf("json: no storage class %s %s/%s in %+v", s.Name, s.Used, s.Hard, ns.StorageClasses)
		}
	}
	e.Kubectl("tko", "cluster", "vsphere-namespaces", "-o", "name").Success().
		StdoutContains("vspherenamespace.tko.tanzu.vmware.com/vsphere-ns-1\n", "vspherenamespace.tko.tanzu.vmware.com/"+seed.VSphereNamespace+"\n")

	e.Kubectl("tko", "cluster", "vsphere-namespaces", "nowhere").ExitCode(3).
		OneLineError(`vSphere namespace "nowhere" not found`, "kubectl tko cluster vsphere-namespaces")
	e.Kubectl("tko", "cluster", "vsphere-namespaces", "team-a").ExitCode(3).OneLineError(`vSphere namespace "team-a" not found`)
}
