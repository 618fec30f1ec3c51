package tkc

import (
	"errors"
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
)

const v1alpha2 = `
apiVersion: run.tanzu.vmware.com/v1alpha2
kind: TanzuKubernetesCluster
metadata: {name: tkc-guest-1, namespace: vsphere-ns-1}
spec:
  distribution: {fullVersion: v1.26.5+vmware.2-fips.1-tkg.1}
  topology:
    controlPlane:
      replicas: 3
      vmClass: best-effort-medium
      storageClass: vsan-default-storage-policy
      tkr: {reference: {name: v1.26.5---vmware.2-fips.1-tkg.1}}
    nodePools:
    - name: np-1
      replicas: 3
      vmClass: best-effort-large
      storageClass: vsan-default-storage-policy
      labels: {tier: web}
      taints: [{key: gpu, value: "true", effect: NoSchedule}]
    - name: np-2
      replicas: 1
      vmClass: best-effort-small
      storageClass: vsan-default-storage-policy
      tkr: {reference: {name: v1.26.5---vmware.2-fips.1-tkg.1}}
status:
  phase: running
  version: v1.26.5+vmware.2-fips.1
  conditions: [{type: Ready, status: "True"}]
`

func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestFromUnstructured(t *testing.T) {
	v := FromUnstructured(object(t, v1alpha2))
	if v.Name != "tkc-guest-1" || v.Namespace != "vsphere-ns-1" || v.APIVersion != "run.tanzu.vmware.com/v1alpha2" {
		t.Errorf("identity: %+v", v)
	}
	if v.ControlPlane.ReplicaCount() != 3 || v.ControlPlane.VMClass != "best-effort-medium" || v.ControlPlane.TKR != "v1.26.5---vmware.2-fips.1-tkg.1" {
		t.Errorf("control plane: %+v", v.ControlPlane)
	}
	if got := v.PoolNames(); !reflect.DeepEqual(got, []string{"np-1", "np-2"}) {
		t.Errorf("pools %v", got)
	}
	np1, _ := v.Pool("np-1")
	if np1.ReplicaCount() != 3 || np1.Labels["tier"] != "web" || len(np1.Taints) != 1 || np1.Taints[0].Effect != "NoSchedule" {
		t.Errorf("np-1: %+v", np1)
	}
	if v.PoolTKR(np1) != v.ControlPlane.TKR {
		t.Errorf("a pool without a TKR follows the control plane, got %q", v.PoolTKR(np1))
	}
	if !v.IsReady() || v.Phase != "running" || v.Version != "v1.26.5+vmware.2-fips.1" {
		t.Errorf("status: %+v", v)
	}
	if got := v.VMClasses(); !reflect.DeepEqual(got, []string{"best-effort-medium", "best-effort-large", "best-effort-small"}) {
		t.Errorf("VM classes %v", got)
	}
}

func TestScaleKeepsTheVersion(t *testing.T) {
	u := object(t, v1alpha2)
	if err := SetControlPlaneReplicas(u, 5); err != nil {
		t.Fatal(err)
	}
	if err := SetPoolReplicas(u, "np-2", 0); err != nil {
		t.Fatal(err)
	}
	v := FromUnstructured(u)
	np2, _ := v.Pool("np-2")
	if v.ControlPlane.ReplicaCount() != 5 || np2.ReplicaCount() != 0 || u.GetAPIVersion() != "run.tanzu.vmware.com/v1alpha2" {
		t.Errorf("after scaling: %+v (%s)", v, u.GetAPIVersion())
	}
	if GVRFor(u).Version != "v1alpha2" {
		t.Errorf("written back as %v", GVRFor(u))
	}
	var cp *ControlPlaneReplicasError
	if err := SetControlPlaneReplicas(u, 2); !errors.As(err, &cp) {
		t.Errorf("2 control-plane machines: %v", err)
	}
	if err := SetControlPlaneReplicas(u, 7); !errors.As(err, &cp) {
		t.Errorf("7 control-plane machines: %v", err)
	}
	var several *capi.PoolRequiredError
	if err := SetPoolReplicas(u, "", 2); !errors.As(err, &several) {
		t.Errorf("no pool named of two: %v", err)
	}
	var negative *capi.NegativeReplicasError
	if err := SetPoolReplicas(u, "np-1", -1); !errors.As(err, &negative) {
		t.Errorf("negative: %v", err)
	}
	if err := SetPoolReplicas(u, "np-9", 1); err == nil || err.Error() != `node pool "np-9" not found: TanzuKubernetesCluster tkc-guest-1 has np-1, np-2` {
		t.Errorf("unknown pool: %v", err)
	}
}

func TestSetPool(t *testing.T) {
	u := object(t, v1alpha2)
	two := int64(2)
	if err := SetPool(u, Pool{Name: "np-gpu", Replicas: &two, VMClass: "guaranteed-xlarge", Labels: map[string]string{"gpu": "true"}}); err != nil {
		t.Fatal(err)
	}
	p, ok := FromUnstructured(u).Pool("np-gpu")
	if !ok || p.ReplicaCount() != 2 || p.VMClass != "guaranteed-xlarge" || p.StorageClass != "vsan-default-storage-policy" || p.Labels["gpu"] != "true" || p.TKR != "" {
		t.Errorf("new pool: %+v", p)
	}
	if err := SetPool(u, Pool{Name: "np-1", StorageClass: "gold"}); err != nil {
		t.Fatal(err)
	}
	p, _ = FromUnstructured(u).Pool("np-1")
	if p.StorageClass != "gold" || p.ReplicaCount() != 3 || p.VMClass != "best-effort-large" || len(p.Taints) != 1 {
		t.Errorf("changed pool: %+v", p)
	}
	var name *PoolNameError
	for _, bad := range []string{"", "NP-1", "np_1", "-np", "np-"} {
		if err := SetPool(u, Pool{Name: bad}); !errors.As(err, &name) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	empty := object(t, "apiVersion: run.tanzu.vmware.com/v1alpha3\nkind: TanzuKubernetesCluster\nmetadata: {name: e}\nspec: {topology: {controlPlane: {replicas: 1}}}\n")
	var field *PoolFieldRequiredError
	if err := SetPool(empty, Pool{Name: "np-1"}); !errors.As(err, &field) || field.Field != "vmClass" {
		t.Errorf("a first pool without a VM class: %v", err)
	}
}

func TestDeletePool(t *testing.T) {
	u := object(t, v1alpha2)
	if err := DeletePool(u, "np-1"); err != nil {
		t.Fatal(err)
	}
	if got := FromUnstructured(u).PoolNames(); !reflect.DeepEqual(got, []string{"np-2"}) {
		t.Errorf("pools %v", got)
	}
	var last *LastPoolError
	if err := DeletePool(u, "np-2"); !errors.As(err, &last) {
		t.Errorf("last pool: %v", err)
	}
	if err := DeletePool(u, "np-9"); err == nil {
		t.Error("an unknown pool was deleted")
	}
}

func TestSetTKR(t *testing.T) {
	u := object(t, v1alpha2)
	if err := SetTKR(u, "v1.27.10---vmware.1-fips.1-tkg.1", "v1.27.10+vmware.1-fips.1-tkg.1"); err != nil {
		t.Fatal(err)
	}
	v := FromUnstructured(u)
	np1, _ := v.Pool("np-1")
	np2, _ := v.Pool("np-2")
	if v.ControlPlane.TKR != "v1.27.10---vmware.1-fips.1-tkg.1" || np2.TKR != v.ControlPlane.TKR || np1.TKR != "" {
		t.Errorf("after the upgrade: control plane %q, np-1 %q (follows), np-2 %q", v.ControlPlane.TKR, np1.TKR, np2.TKR)
	}
	if got, _, _ := unstructured.NestedString(u.Object, "spec", "distribution", "fullVersion"); got != "v1.27.10+vmware.1-fips.1-tkg.1" {
		t.Errorf("distribution.fullVersion %q", got)
	}
	if _, ok, _ := unstructured.NestedString(u.Object, "spec", "distribution", "version"); ok {
		t.Error("an unset distribution.version was set")
	}
}
