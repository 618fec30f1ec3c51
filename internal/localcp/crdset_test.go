package localcp

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The TanzuKubernetesCluster CRD serves v1alpha2 and our v1alpha3, which
// stores; the VM Operator kinds are in the minimal set.
func TestTKCv1alpha3(t *testing.T) {
	crds, err := WithTKCv1alpha3(MinimalCRDs())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, crd := range crds {
		names[crd.GetName()] = true
		if crd.GetName() != "tanzukubernetesclusters.run.tanzu.vmware.com" {
			continue
		}
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		var got []string
		for _, v := range versions {
			m := v.(map[string]any)
			got = append(got, m["name"].(string)+map[bool]string{true: "*", false: ""}[m["storage"] == true])
			if _, ok := m["subresources"].(map[string]any)["status"]; !ok {
				t.Errorf("%s has no status subresource", m["name"])
			}
		}
		if len(got) != 2 || got[0] != "v1alpha2" || got[1] != "v1alpha3*" {
			t.Errorf("versions %v, want v1alpha2 and v1alpha3 (storage)", got)
		}
	}
	for _, n := range []string{"virtualmachineclasses.vmoperator.vmware.com", "virtualmachineclassbindings.vmoperator.vmware.com"} {
		if !names[n] {
			t.Errorf("no %s", n)
		}
	}
}
