package tkg

import (
	"context"
	"errors"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

var testAPI = capi.API{Version: "v1beta2", Versions: kube.Served{capi.Group: {"v1beta2"}, capi.TKRGroup: {"v1alpha3"}}}

// managementCluster is the seeded ClusterClass of "default" under the
// given names, and the seeded TKRs, in a fake dynamic client.
func managementCluster(t *testing.T, classNames ...string) *dynamicfake.FakeDynamicClient {
	t.Helper()
	var objs []runtime.Object
	for _, u := range seed.Objects(nil, false) {
		switch {
		case u.GetKind() == "TanzuKubernetesRelease":
			objs = append(objs, u)
		case u.GetKind() == "ClusterClass" && u.GetNamespace() == "default":
			for _, n := range classNames {
				c := u.DeepCopy()
				c.SetName(n)
				objs = append(objs, c)
			}
		}
	}
	tkrs, _ := testAPI.GroupResource(capi.TKRGroup, "tanzukubernetesreleases")
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		testAPI.Resource("clusterclasses"): "ClusterClassList",
		tkrs:                               "TanzuKubernetesReleaseList",
	}, objs...)
}

func plan(t *testing.T, dyn *dynamicfake.FakeDynamicClient, text string, in PlanInput) (*unstructured.Unstructured, error) {
	t.Helper()
	docs, err := yamldoc.Parse("wc.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	in.Doc = docs[0]
	if in.Namespace == "" {
		in.Namespace = "default"
	}
	return PlanCluster(context.Background(), dyn, testAPI, in)
}

const flatConfig = `CLUSTER_NAME: wc-1
VSPHERE_SERVER: vcsa
VSPHERE_DATACENTER: /dc
VSPHERE_DATASTORE: /ds
VSPHERE_NETWORK: /net
VSPHERE_RESOURCE_POOL: /rp
VSPHERE_FOLDER: /f
VSPHERE_CONTROL_PLANE_ENDPOINT: 10.0.0.10
`

func TestPlanClusterDefaults(t *testing.T) {
	dyn := managementCluster(t, "tkg-vsphere-default-v1.9.0", "tkg-vsphere-default-v1.10.0", "tkg-vsphere-default-v1.2.0")
	u, err := plan(t, dyn, flatConfig, PlanInput{})
	if err != nil {
		t.Fatal(err)
	}
	if class, _ := capi.TopologyClass(u); class != "tkg-vsphere-default-v1.10.0" {
		t.Errorf("class %q, want the newest by version", class)
	}
	if v, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version"); v != "v1.31.1+vmware.2" {
		t.Errorf("version %q, want the newest Ready TKR", v)
	}
	if u.GetLabels()["run.tanzu.vmware.com/tkr"] != "v1.31.1---vmware.2-tkg.2" || u.GetNamespace() != "default" {
		t.Errorf("labels %v, namespace %q", u.GetLabels(), u.GetNamespace())
	}
}

func TestPlanClusterChoicesOverrideTheFile(t *testing.T) {
	dyn := managementCluster(t, "tkg-vsphere-default-v1.2.0", "mine")
	u, err := plan(t, dyn, flatConfig+"NAMESPACE: team-b\nCLUSTER_CLASS: tkg-vsphere-default-v1.2.0\nKUBERNETES_VERSION: v1.29.9+vmware.1\n",
		PlanInput{Name: "wc-2", Namespace: "default", NamespaceFromFlag: true, Class: "mine", TKR: "v1.30.2---vmware.1-tkg.1"})
	if err != nil {
		t.Fatal(err)
	}
	v, _, _ := unstructured.NestedString(u.Object, "spec", "topology", "version")
	class, _ := capi.TopologyClass(u)
	if u.GetName() != "wc-2" || u.GetNamespace() != "default" || class != "mine" || v != "v1.30.2+vmware.1" {
		t.Errorf("got %s/%s class %s version %s", u.GetNamespace(), u.GetName(), class, v)
	}
}

func TestPlanClusterReportsEveryProblem(t *testing.T) {
	dyn := managementCluster(t, "tkg-vsphere-default-v1.2.0")
	_, err := plan(t, dyn, `CLUSTER_NAME: wc-bad
CONTROL_PLANE_MACHINE_COUNT: 2
VSPHERE_SERVER: vcsa-01
VSPHERE_CLONE_MODE: quickClone
VSPHERE_DATACENTER: /dc-01
VSPHERE_DATASTORE: /dc-01/datastore/ds
VSPHERE_RESOURCE_POOL: /dc-01/host/c/Resources
VSPHERE_FOLDER: /dc-01/vm
VSPHERE_CONTROL_PLANE_ENDPOINT: 10.0.0.10
VSPHERE_WORKER_NUM_CPUS: two
KUBERNETES_VERSION: v1.99.0
`, PlanInput{})
	var problems *errs.ProblemsError
	if !errors.As(err, &problems) {
		t.Fatalf("err = %v, want a ProblemsError", err)
	}
	if problems.Summary != "wc.yaml: 4 problem(s), nothing was created" {
		t.Errorf("summary %q", problems.Summary)
	}
	want := []string{
		"line 2: spec.topology.controlPlane.replicas (from CONTROL_PLANE_MACHINE_COUNT): 2 control-plane machines: use an odd number",
		"line 4: spec.topology.variables[vcenter].value.cloneMode (from VSPHERE_CLONE_MODE): value must be one of 'fullClone', 'linkedClone'",
		`line 10: VSPHERE_WORKER_NUM_CPUS: "two" is not a whole number`,
		`line 11: KUBERNETES_VERSION/TKR: "v1.99.0" is not a TanzuKubernetesRelease here`,
	}
	if len(problems.Problems) != len(want) {
		t.Fatalf("problems %v", problems.Problems)
	}
	for i, p := range problems.Problems {
		if !strings.HasPrefix(p.String(), want[i]) {
			t.Errorf("problem %d = %q, want %q...", i, p, want[i])
		}
	}
}

func TestPlanClusterManifest(t *testing.T) {
	dyn := managementCluster(t, "tkg-vsphere-default-v1.2.0")
	_, err := plan(t, dyn, `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: wc-m
spec:
  topology:
    classRef: {name: tkg-vsphere-default-v1.2.0}
    version: v1.28.0
    controlPlane: {replicas: 1}
    variables:
    - name: vcenter
      value: {server: vcsa, datacenter: /dc, network: /n}
    - name: flavour
      value: spicy
`, PlanInput{})
	var problems *errs.ProblemsError
	if !errors.As(err, &problems) || len(problems.Problems) != 2 {
		t.Fatalf("err = %v", err)
	}
	if got := problems.Problems[0].String(); !strings.HasPrefix(got, "line 8: spec.topology.version: v1.28.0 is not the Kubernetes version of any TanzuKubernetesRelease here") {
		t.Errorf("first problem %q", got)
	}
	if got := problems.Problems[1].String(); got != `line 13: spec.topology.variables[flavour]: variable "flavour" is not declared by ClusterClass tkg-vsphere-default-v1.2.0` {
		t.Errorf("second problem %q", got)
	}
}

func TestPlanClusterRefusals(t *testing.T) {
	dyn := managementCluster(t)
	var nf *errs.NotFoundError
	if _, err := plan(t, dyn, flatConfig, PlanInput{}); !errors.As(err, &nf) || nf.Name != "tkg-vsphere-default-*" {
		t.Errorf("no default class: %v", err)
	}
	var input *errs.InputError
	if _, err := plan(t, dyn, "apiVersion: v1\nkind: ConfigMap\n", PlanInput{}); !errors.As(err, &input) || input.Line != 2 {
		t.Errorf("not a Cluster: %v", err)
	}
	if _, err := plan(t, dyn, "- a\n- b\n", PlanInput{}); !errors.As(err, &input) {
		t.Errorf("a list: %v", err)
	}
}
