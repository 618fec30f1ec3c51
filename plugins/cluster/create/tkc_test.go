package create_test

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
)

const tkcV1alpha3 = `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata:
  name: tkc-new
  namespace: vsphere-team-a
spec:
  topology:
    controlPlane:
      replicas: 3
      vmClass: best-effort-small
      storageClass: vsan-default-storage-policy
      tkr: {reference: {name: v1.26.5---vmware.2-fips.1-tkg.1}}
    nodePools:
    - name: np-1
      replicas: 2
      vmClass: best-effort-medium
      storageClass: tanzu-gold
  settings:
    network:
      pods: {cidrBlocks: [192.168.0.0/16]}
      services: {cidrBlocks: [10.96.0.0/12]}
`

// Every kind of problem, each on its own line: a VM class and a storage
// class the namespace does not offer, an incompatible TKR, a control plane
// of 2, a pool named twice and not a DNS label, overlapping CIDRs.
const tkcBad = `apiVersion: run.tanzu.vmware.com/v1alpha3
kind: TanzuKubernetesCluster
metadata: {name: tkc-bad, namespace: vsphere-team-a}
spec:
  topology:
    controlPlane:
      replicas: 2
      vmClass: huge
      storageClass: platinum
      tkr: {reference: {name: v1.28.8---vmware.1-fips.1-tkg.2}}
    nodePools:
    - {name: np-1, replicas: 1, vmClass: best-effort-small, storageClass: tanzu-gold}
    - {name: np-1, replicas: 1, vmClass: best-effort-small, storageClass: tanzu-gold}
    - {name: NP_2, replicas: 1, vmClass: best-effort-small, storageClass: tanzu-gold}
  settings:
    network:
      pods: {cidrBlocks: [10.96.0.0/16]}
      services: {cidrBlocks: [10.96.0.0/12]}
`

const tkcFlat = `CLUSTER_NAME: tkc-flat
NAMESPACE: vsphere-team-a
CLUSTER_PLAN: prod
WORKER_MACHINE_COUNT: 2
KUBERNETES_VERSION: v1.27.11+vmware.1-fips.1
VM_CLASS: best-effort-medium
STORAGE_CLASS: vsan-default-storage-policy
CLUSTER_CIDR: 192.168.0.0/16
SERVICE_CIDR: 10.96.0.0/12
`

// A vSphere 8 class-based cluster, written as v1beta1 as vSphere's
// examples are.
const tkcCluster = `apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: {name: tkc-cc, namespace: vsphere-team-a}
spec:
  clusterNetwork:
    pods: {cidrBlocks: [192.168.156.0/20]}
    services: {cidrBlocks: [10.96.0.0/12]}
  topology:
    class: tanzukubernetescluster
    version: v1.27.11+vmware.1-fips.1
    controlPlane: {replicas: 1}
    workers:
      machineDeployments:
      - {class: node-pool, name: np-1, replicas: 2}
    variables:
    - {name: vmClass, value: best-effort-small}
    - {name: storageClass, value: vsan-default-storage-policy}
`

func TestCreateTKC(t *testing.T) {
	v1alpha2 := strings.Replace(strings.Replace(tkcV1alpha3, "v1alpha3", "v1alpha2", 1), "tkc-new", "tkc-old", 1)
	clitest.RunCases(t, cluster.Plugin(), []clitest.Case{
		{Name: "client dry run", Stdin: tkcV1alpha3, Args: clitest.Args("create -f - --dry-run"),
			Stdout: []string{"apiVersion: run.tanzu.vmware.com/v1alpha3\n", "kind: TanzuKubernetesCluster\n", "vmClass: best-effort-medium"}, NoChanges: true},
		{Name: "server dry run", Stdin: tkcV1alpha3, Args: clitest.Args("create -f - --dry-run=server -o name"),
			Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/tkc-new\n"}, NoChanges: true},
		{Name: "v1alpha3", Stdin: tkcV1alpha3, Args: clitest.Args("create -f -"),
			Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/tkc-new created\n"}, Check: clitest.Changes("patch", 1)},
		{Name: "v1alpha2 stays v1alpha2", Stdin: v1alpha2, Args: clitest.Args("create -f -"),
			Stdout: []string{"tanzukubernetescluster.run.tanzu.vmware.com/tkc-old created\n"},
			Check:  clitest.Stored("tanzukubernetesclusters", "vsphere-team-a/tkc-old", "run.tanzu.vmware.com/v1alpha2", "apiVersion")},
		{Name: "name and namespace from the command line", Stdin: tkcV1alpha3, Args: clitest.Args("create tkc-other -n vsphere-ns-1 -f - --dry-run -o jsonpath={.metadata.namespace}/{.metadata.name}"),
			Code: 2, Stderr: []string{`VM class "best-effort-small" is not available in vSphere namespace vsphere-ns-1 (available: best-effort-large, best-effort-medium)`}, NoChanges: true},
		{Name: "flat file", Stdin: tkcFlat, Args: clitest.Args("create -f - --dry-run -o json"),
			Stdout: []string{`"name": "tkc-flat"`, `"replicas": 3`, `"name": "v1.27.11---vmware.1-fips.1-tkg.2"`, `"defaultClass": "vsan-default-storage-policy"`, `"name": "np-1"`}, NoChanges: true},
		{Name: "class-based cluster", Stdin: tkcCluster, Args: clitest.Args("create -f - --dry-run=server -o yaml"),
			Stdout: []string{"apiVersion: cluster.x-k8s.io/v1beta2\n", "classRef:\n      name: tanzukubernetescluster\n"}, NoChanges: true},
		{Name: "class-based cluster with a VM class of another namespace", Stdin: strings.Replace(tkcCluster, "value: best-effort-small", "value: best-effort-large", 1), Args: clitest.Args("create -f -"),
			Code: 2, Stderr: []string{`<stdin>:16: spec.topology.variables[vmClass].value: VM class "best-effort-large" is not available in vSphere namespace vsphere-team-a`}, NoChanges: true},
		{Name: "every problem at once", Stdin: tkcBad, Args: clitest.Args("create -f -"), Code: 2, NoChanges: true, Stderr: []string{
			"error: <stdin>: 7 problem(s), nothing was created:\n",
			"  <stdin>:7: spec.topology.controlPlane.replicas: control plane replicas must be 1, 3 or 5, not 2\n",
			`  <stdin>:8: spec.topology.controlPlane.vmClass: VM class "huge" is not available in vSphere namespace vsphere-team-a (available: best-effort-medium, best-effort-small, guaranteed-large)` + "\n",
			`  <stdin>:9: spec.topology.controlPlane.storageClass: storage class "platinum" is not allowed by the ResourceQuota of vSphere namespace vsphere-team-a (allowed: tanzu-gold, vsan-default-storage-policy)` + "\n",
			"  <stdin>:10: spec.topology.controlPlane.tkr.reference.name: TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 is not Compatible: TanzuKubernetesRelease v1.28.8---vmware.1-fips.1-tkg.2 needs Supervisor v8.0.3 or later",
			`  <stdin>:13: spec.topology.nodePools[1].name: node pool "np-1" is named twice`,
			`  <stdin>:14: spec.topology.nodePools[2].name: `,
			"  <stdin>:18: spec.settings.network.services.cidrBlocks[0]: service CIDR 10.96.0.0/12 overlaps pod CIDR 10.96.0.0/16",
		}},
		{Name: "unknown TKR", Stdin: strings.Replace(tkcV1alpha3, "v1.26.5---vmware.2-fips.1-tkg.1", "v1.99.0---vmware.1-tkg.1", 1), Args: clitest.Args("create -f -"),
			Code: 3, Stderr: []string{`error: TanzuKubernetesRelease "v1.99.0---vmware.1-tkg.1" not found: <stdin>:12: spec.topology.controlPlane.tkr.reference.name:`, "(available: v1.26.5---vmware.2-fips.1-tkg.1, v1.27.11---vmware.1-fips.1-tkg.2"}, NoChanges: true},
		{Name: "unknown namespace", Stdin: tkcV1alpha3, Args: clitest.Args("create -f - -n nowhere"),
			Code: 3, Stderr: []string{`error: vSphere namespace "nowhere" not found: list them with 'kubectl tko cluster vsphere-namespaces'`}, NoChanges: true},
		{Name: "v1alpha1", Stdin: strings.Replace(tkcV1alpha3, "v1alpha3", "v1alpha1", 1), Args: clitest.Args("create -f -"),
			Code: 2, Stderr: []string{"<stdin>:1: apiVersion: run.tanzu.vmware.com/v1alpha1 is not a version TanzuKubernetesClusters are created in: write apiVersion: run.tanzu.vmware.com/v1alpha3"}, NoChanges: true},
		{Name: "flat file without a storage class", Stdin: strings.Replace(tkcFlat, "STORAGE_CLASS: vsan-default-storage-policy\n", "VSPHERE_PASSWORD: secret\n", 1), Args: clitest.Args("create -f -"),
			Code: 2, Stderr: []string{"VSPHERE_PASSWORD: not a key of a TanzuKubernetesCluster file", "STORAGE_CLASS: set STORAGE_CLASS or CONTROL_PLANE_STORAGE_CLASS"}, Absent: []string{"secret\n"}, NoChanges: true},
	})
}
