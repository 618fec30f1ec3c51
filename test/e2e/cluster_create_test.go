package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
)

var (
	clustersGVR = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	classesGVR  = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusterclasses"}
)

func testdata(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join(suite.Root, "test", "testdata", name)
}

// copyClass puts the seeded ClusterClass into a test namespace.
func copyClass(t *testing.T, e interface {
	Namespace() string
}, ns string) {
	t.Helper()
	class, err := suite.Dyn.Resource(classesGVR).Namespace("default").Get(context.Background(), seed.ClassName, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	copied := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": class.GetAPIVersion(), "kind": class.GetKind(),
		"metadata": map[string]any{"name": class.GetName(), "namespace": ns},
		"spec":     class.Object["spec"],
	}}
	if _, err := suite.Dyn.Resource(classesGVR).Namespace(ns).Create(context.Background(), copied, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func TestClusterCreateDryRunFromFlatConfig(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "create", "-f", testdata(t, "wc-new.yaml"), "--dry-run").Success()
	var cluster map[string]any
	if err := yaml.Unmarshal([]byte(r.Stdout), &cluster); err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{Object: cluster}
	if u.GetName() != "wc-new" || u.GetNamespace() != "default" || u.GetLabels()["run.tanzu.vmware.com/tkr"] != "v1.30.2---vmware.1-tkg.1" {
		t.Errorf("metadata: %v", u.Object["metadata"])
	}
	if r, _, _ := unstructured.NestedFieldNoCopy(cluster, "spec", "topology", "controlPlane", "replicas"); r != float64(3) {
		t.Errorf("prod plan: %d control-plane machines, want 3", r)
	}
	vars := map[string]any{}
	list, _, _ := unstructured.NestedSlice(cluster, "spec", "topology", "variables")
	for _, v := range list {
		m := v.(map[string]any)
		vars[m["name"].(string)] = m["value"]
	}
	if vars["aviAPIServerHAProvider"] != true || vars["cni"] != "antrea" {
		t.Errorf("variables: %v", vars)
	}
	vc := vars["vcenter"].(map[string]any)
	if vc["server"] != "vcsa-01.tko.example.com" || vc["cloneMode"] != "fullClone" || vc["storagePolicyID"] != "" {
		t.Errorf("vcenter: %v", vc)
	}
	if ntp := vars["ntpServers"].([]any); len(ntp) != 2 || ntp[1] != "ntp-02.tko.example.com" {
		t.Errorf("ntpServers: %v", ntp)
	}
	pss := vars["podSecurityStandard"].(map[string]any)
	if pss["audit"] != "baseline" || pss["deactivated"] != false {
		t.Errorf("podSecurityStandard defaults: %v", pss)
	}
	// Credentials never reach the Cluster.
	r.StdoutLacks("VMware1!", "administrator@vsphere.local", "PASSWORD", "USERNAME")
	// Nothing was created.
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace("default").Get(context.Background(), "wc-new", metav1.GetOptions{}); err == nil {
		t.Error("--dry-run created the cluster")
	}

	// The same through a pipe and through -o json.
	raw, err := os.ReadFile(testdata(t, "wc-new.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "cluster", "create", "-f", "-", "--dry-run", "-o", "json").Stdin(string(raw)).Success().StdoutContains(`"name": "wc-new"`, `"kind": "Cluster"`)
	e.Kubectl("tko", "cluster", "create", "-f", "-", "--dry-run=server", "-o", "name").Stdin(string(raw)).Success().StdoutContains("cluster.cluster.x-k8s.io/wc-new")
}

func TestClusterCreateRefusesBadInput(t *testing.T) {
	e := suite.New(t)
	bad := writeFile(t, "bad.yaml", `CLUSTER_NAME: wc-bad
CONTROL_PLANE_MACHINE_COUNT: 2
VSPHERE_SERVER: vcsa-01
VSPHERE_CLONE_MODE: quickClone
VSPHERE_DATACENTER: /dc-01
VSPHERE_DATASTORE: /dc-01/datastore/ds
VSPHERE_RESOURCE_POOL: /dc-01/host/c/Resources
VSPHERE_FOLDER: /dc-01/vm
VSPHERE_CONTROL_PLANE_ENDPOINT: 10.0.0.10
VSPHERE_WORKER_NUM_CPUS: two
`)
	e.Kubectl("tko", "cluster", "create", "-f", bad).ExitCode(explain.ExitUsage).ProblemReport(
		"3 problem(s), nothing was created",
		"line 2: spec.topology.controlPlane.replicas (from CONTROL_PLANE_MACHINE_COUNT): 2 control-plane machines: use an odd number",
		"line 4: spec.topology.variables[vcenter].value.cloneMode (from VSPHERE_CLONE_MODE): value must be one of 'fullClone', 'linkedClone'",
		`line 10: VSPHERE_WORKER_NUM_CPUS: "two" is not a whole number`)

	manifest := writeFile(t, "cluster.yaml", `apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: wc-manifest
spec:
  topology:
    classRef: {name: tkg-vsphere-default-v1.2.0}
    version: v1.30.2+vmware.1
    controlPlane: {replicas: 1}
    variables:
    - name: vcenter
      value: {server: vcsa, datacenter: /dc, network: /n}
    - name: flavour
      value: spicy
    - name: auditLogging
      value: {enabled: "yes"}
`)
	e.Kubectl("tko", "cluster", "create", "-f", manifest).ExitCode(explain.ExitUsage).ProblemReport(
		"2 problem(s), nothing was created",
		`line 13: spec.topology.variables[flavour]: variable "flavour" is not declared by ClusterClass tkg-vsphere-default-v1.2.0`,
		"line 15: spec.topology.variables[auditLogging].value.enabled: got string, want boolean")

	noVcenter := writeFile(t, "novc.yaml", strings.Replace(mustReadString(t, manifest), "    - name: vcenter\n      value: {server: vcsa, datacenter: /dc, network: /n}\n", "", 1))
	e.Kubectl("tko", "cluster", "create", "-f", noVcenter).ExitCode(explain.ExitUsage).ProblemReport("3 problem(s), nothing was created",
		`required variable "vcenter" of ClusterClass tkg-vsphere-default-v1.2.0 is missing`,
		`variable "flavour" is not declared by ClusterClass tkg-vsphere-default-v1.2.0`,
		"spec.topology.variables[auditLogging].value.enabled: got string, want boolean")

	e.Kubectl("tko", "cluster", "create", "-f", "-").Stdin("CLUSTER_NAME: x\n  oops: [\n").ExitCode(explain.ExitUsage).OneLineError("<stdin>:2: malformed YAML")
	e.Kubectl("tko", "cluster", "create", "-f", "/nonexistent.yaml").ExitCode(explain.ExitUsage).OneLineError("/nonexistent.yaml: no such file or directory")
	e.Kubectl("tko", "cluster", "create", "-f", testdata(t, "wc-new.yaml"), "--tkr", "v1.99.0").ExitCode(explain.ExitUsage).ProblemReport("1 problem(s), nothing was created", `"v1.99.0" is not a TanzuKubernetesRelease here`)
	e.Kubectl("tko", "cluster", "create", "-f", testdata(t, "wc-new.yaml"), "--class", "nope").ExitCode(explain.ExitNotFound).OneLineError(`ClusterClass "nope" not found in namespace "default"`)
	e.Kubectl("tko", "cluster", "create").ExitCode(explain.ExitUsage).StderrContains("missing -f FILE")
	if _, err := suite.Dyn.Resource(clustersGVR).Namespace("default").Get(context.Background(), "wc-bad", metav1.GetOptions{}); err == nil {
		t.Error("an invalid cluster was created")
	}
}

func mustReadString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// markAvailable writes the status the Cluster API topology controller
// writes once the control plane and workers are up.
func markAvailable(t *testing.T, ns, name string, cp, workers int64) {
	t.Helper()
	client := suite.Dyn.Resource(clustersGVR).Namespace(ns)
	u, err := client.Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		t.Error(err)
		return
	}
	now := time.Now().UTC().Format(time.RFC3339)
	u.Object["status"] = map[string]any{
		"phase": "Provisioned", "observedGeneration": u.GetGeneration(),
		"controlPlane": map[string]any{"desiredReplicas": cp, "replicas": cp, "readyReplicas": cp, "availableReplicas": cp, "upToDateReplicas": cp},
		"workers":      map[string]any{"desiredReplicas": workers, "replicas": workers, "readyReplicas": workers, "availableReplicas": workers, "upToDateReplicas": workers},
		"conditions":   []any{map[string]any{"type": "Available", "status": "True", "reason": "Available", "message": "", "lastTransitionTime": now, "observedGeneration": u.GetGeneration()}},
	}
	if _, err := client.UpdateStatus(context.Background(), u, metav1.UpdateOptions{}); err != nil {
		t.Error(err)
	}
}

func TestClusterCreateWaitAndRerun(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	copyClass(t, e, ns)
	file := testdata(t, "wc-new.yaml")
	go func() {
		// Play the Cluster API controllers once the Cluster exists.
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := suite.Dyn.Resource(clustersGVR).Namespace(ns).Get(context.Background(), "wc-new", metav1.GetOptions{}); err == nil {
				time.Sleep(500 * time.Millisecond)
				markAvailable(t, ns, "wc-new", 3, 3)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	r := e.Kubectl("tko", "cluster", "create", "-f", file, "-n", ns, "--wait", "--timeout", "1m").Success()
	r.StdoutContains("cluster.cluster.x-k8s.io/wc-new created")
	r.StderrContains("is Available")
	// Rerunning converges instead of failing.
	e.Kubectl("tko", "cluster", "create", "-f", file, "-n", ns).Success().StdoutContains("cluster.cluster.x-k8s.io/wc-new unchanged")
	e.Kubectl("tko", "cluster", "list", "-n", ns).Success().StdoutContains("wc-new", "Available")
	// A wait that cannot finish says where it stopped.
	e.Kubectl("tko", "cluster", "create", "other", "-f", file, "-n", ns, "--wait", "--timeout", "2s").ExitCode(explain.ExitTimeout).
		OneLineError(`timed out after 2s waiting for cluster `+ns+`/other to become Available`, "last seen:")
}

func TestClusterDescribe(t *testing.T) {
	e := suite.New(t)
	r := e.Kubectl("tko", "cluster", "describe", "wc-team-a", "-n", "team-a").Success()
	lines := r.StdoutLines()
	for _, want := range []string{
		"Cluster/wc-team-a\tFalse\tWarning\tNotAvailable",
		"├─KubeadmControlPlane/wc-team-a-cp (3/3)\tTrue",
		"└─Workers (2/3)",
		"  └─MachineDeployment/wc-team-a-md-0 (2/3)\tFalse\tWarning",
	} {
		found := false
		for _, l := range lines {
			if strings.HasPrefix(l, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("no line starting %q in:\n%s", want, r.Stdout)
		}
	}
	r = e.Kubectl("tko", "cluster", "get", "wc-prod-1", "-o", "json").Success()
	r.StdoutContains(`"kind": "KubeadmControlPlane"`, `"kind": "MachineDeployment"`, `"machineHealthChecks": [`, `"name": "wc-prod-1-cp-mhc"`)
	e.Kubectl("tko", "cluster", "describe", "wc-failed", "-n", "team-a", "--show-conditions", "failing").Success().
		StdoutContains("Cluster/wc-failed\tFalse\tError", "· InfrastructureReady\tFalse").StdoutLacks("· BootstrapConfigReady")
	e.Kubectl("tko", "cluster", "describe", "wc-retired", "-n", "team-a").Success().StdoutContains("Deleting")
	e.Kubectl("tko", "cluster", "describe", "wc-prod-1", "--show-conditions", "some").ExitCode(explain.ExitUsage)
	// vSphere with Tanzu: a TanzuKubernetesCluster with no Cluster beside it.
	e.Kubectl("tko", "cluster", "describe", "tkc-guest-1", "-n", "vsphere-ns-1").Success().
		StdoutContains("TanzuKubernetesCluster/tkc-guest-1 (3)\tTrue", "└─NodePool/np-1 (3)")
	e.Kubectl("tko", "cluster", "describe", "tkc-guest-1", "-n", "vsphere-ns-1", "-o", "name").Success().
		StdoutContains("tanzukubernetescluster.run.tanzu.vmware.com/tkc-guest-1")
}
