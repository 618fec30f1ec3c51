package capi

import (
	"encoding/json"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// TestTKCFields: a TanzuKubernetesCluster read from a list page (JSON into
// TKCFields) and read from an object (FromTKC) give the same view, and the
// view holds what the TKC says.
func TestTKCFields(t *testing.T) {
	for _, doc := range []string{
		`apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata: {name: tkc-1, namespace: ns-1, creationTimestamp: "2026-01-02T03:04:05Z", managedFields: [{manager: x}]}
spec:
  topology:
    controlPlane: {replicas: 3, vmClass: best-effort-small, tkr: {reference: {name: v1.26.5---vmware.2-fips.1-tkg.1}}}
    nodePools:
    - {name: np-1, replicas: 2, vmClass: best-effort-medium}
    - {name: np-2, replicas: 1, vmClass: best-effort-small}
status: {phase: running, version: v1.26.5+vmware.2-fips.1, conditions: [{type: Ready, status: "False", reason: NodePoolsNotReady, message: "np-2 not ready"}]}`,
		`apiVersion: run.tanzu.vmware.com/v1alpha2
kind: TanzuKubernetesCluster
metadata: {name: tkc-2, namespace: ns-1, deletionTimestamp: "2026-01-02T03:04:05Z"}
spec: {distribution: {fullVersion: v1.23.8+vmware.3-tkg.1}, topology: {controlPlane: {replicas: 1}, nodePools: []}}`,
		`apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata: {name: tkc-3, namespace: ns-2}
spec: {topology: {controlPlane: {replicas: 1}}}
status: {phase: failed, conditions: [{type: Ready, status: "False", reason: Failed, message: "no VM class"}]}`,
	} {
		raw, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		u := &unstructured.Unstructured{}
		if err := u.UnmarshalJSON(raw); err != nil {
			t.Fatal(err)
		}
		var f TKCFields
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatal(err)
		}
		fromObject, fromPage := FromTKC(u), f.View()
		if !reflect.DeepEqual(fromObject, fromPage) {
			t.Errorf("%s: object %+v, page %+v", u.GetName(), fromObject, fromPage)
		}
		// Fleet views decode in one pass: the same view.
		var onePass TKCFields
		if err := kube.DecodeOnePass(raw, &onePass); err != nil {
			t.Fatal(err)
		}
		if got := onePass.View(); !reflect.DeepEqual(got, fromPage) {
			t.Errorf("%s: one pass %+v, page %+v", u.GetName(), got, fromPage)
		}
		switch u.GetName() {
		case "tkc-1":
			if fromPage.Status != StatusDegraded || fromPage.ControlPlane.Desired != 3 || fromPage.Workers.Desired != 3 ||
				!reflect.DeepEqual(fromPage.VMClasses, []string{"best-effort-small", "best-effort-medium"}) || fromPage.TKR != "v1.26.5---vmware.2-fips.1-tkg.1" ||
				fromPage.Version != "v1.26.5+vmware.2-fips.1" || fromPage.Created.IsZero() {
				t.Errorf("tkc-1: %+v", fromPage)
			}
		case "tkc-2":
			if fromPage.Status != StatusDeleting || fromPage.Version != "v1.23.8+vmware.3-tkg.1" {
				t.Errorf("tkc-2: %+v", fromPage)
			}
		case "tkc-3":
			if fromPage.Status != StatusFailed || fromPage.Message == "" {
				t.Errorf("tkc-3: %+v", fromPage)
			}
		}
	}
}
