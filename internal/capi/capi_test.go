package capi

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func parse(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

// A TKG 2.x management cluster serves v1beta1: class under topology.class,
// v1beta1 conditions with severity, the new shape under status.v1beta2.
const v1beta1Cluster = `
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata:
  name: wc-1
  namespace: default
  labels: {tanzuKubernetesRelease: v1.26.5---vmware.2-tkg.1}
  annotations: {tkg/plan: prod}
spec:
  controlPlaneEndpoint: {host: 10.0.0.5, port: 6443}
  topology:
    class: tkg-vsphere-default-v1.1.0
    version: v1.26.5+vmware.2-tkg.1
    controlPlane: {replicas: 3}
    workers:
      machineDeployments:
      - {class: tkg-worker, name: md-0, replicas: 2}
      - {class: tkg-worker, name: md-1, replicas: 1, failureDomain: az-2}
status:
  phase: Provisioned
  conditions:
  - {type: Ready, status: "False", severity: Warning, reason: ScalingUp, message: "Scaling up control plane to 3 replicas"}
  - {type: ControlPlaneReady, status: "True"}
  v1beta2:
    conditions:
    - {type: Available, status: "False", reason: NotAvailable, message: "* WorkersAvailable: 1 of 3 available"}
    controlPlane: {desiredReplicas: 3, replicas: 3, readyReplicas: 3, availableReplicas: 3, upToDateReplicas: 3}
    workers: {desiredReplicas: 3, replicas: 3, readyReplicas: 1, availableReplicas: 1, upToDateReplicas: 3}
`

// An older v1beta1 cluster with no v1beta2 status at all.
const v1beta1Legacy = `
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: {name: old, namespace: default}
spec:
  topology: {class: tkg-vsphere-default, version: v1.24.9+vmware.1, controlPlane: {replicas: 1}}
status:
  phase: Provisioned
  conditions:
  - {type: Ready, status: "True"}
`

const v1beta2Cluster = `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata:
  name: wc-2
  namespace: team-a
  labels: {run.tanzu.vmware.com/tkr: v1.30.2---vmware.1-tkg.1, cluster-role.tkg.tanzu.vmware.com/management: ""}
spec:
  topology:
    classRef: {name: tkg-vsphere-default-v1.2.0}
    version: v1.30.2+vmware.1
    controlPlane: {replicas: 1}
status:
  phase: Failed
  deprecated: {v1beta1: {failureReason: CreateError, failureMessage: "unable to clone VM"}}
  controlPlane: {desiredReplicas: 1, replicas: 0, readyReplicas: 0}
`

func TestFromUnstructuredV1beta1(t *testing.T) {
	c := FromUnstructured(parse(t, v1beta1Cluster))
	if c.Class != "tkg-vsphere-default-v1.1.0" || c.Version != "v1.26.5+vmware.2-tkg.1" || c.TKR != "v1.26.5---vmware.2-tkg.1" || c.Plan != "prod" {
		t.Errorf("spec: %+v", c)
	}
	if c.ControlPlane.String() != "3/3" || c.Workers.String() != "1/3" || c.Endpoint != "10.0.0.5:6443" || len(c.Pools) != 2 {
		t.Errorf("replicas: cp %s workers %s endpoint %s pools %d", c.ControlPlane, c.Workers, c.Endpoint, len(c.Pools))
	}
	if c.Status != StatusDegraded || c.Message != "* WorkersAvailable: 1 of 3 available" {
		t.Errorf("status %s %q", c.Status, c.Message)
	}
	if c.Role != "workload" {
		t.Errorf("role %s", c.Role)
	}
}

func TestFromUnstructuredV1beta1Legacy(t *testing.T) {
	c := FromUnstructured(parse(t, v1beta1Legacy))
	if c.Status != StatusAvailable {
		t.Errorf("status %s %q, want Available from the Ready condition", c.Status, c.Message)
	}
	if c.ControlPlane.Known || c.ControlPlane.String() != "-/1" {
		t.Errorf("control plane %+v: counts are unknown in this shape", c.ControlPlane)
	}
}

func TestFromUnstructuredV1beta2(t *testing.T) {
	c := FromUnstructured(parse(t, v1beta2Cluster))
	if c.Class != "tkg-vsphere-default-v1.2.0" || c.Role != "management" || c.TKR != "v1.30.2---vmware.1-tkg.1" {
		t.Errorf("spec: %+v", c)
	}
	if c.Status != StatusFailed || c.Message != "unable to clone VM" || c.ControlPlane.String() != "0/1" {
		t.Errorf("status %s %q cp %s", c.Status, c.Message, c.ControlPlane)
	}
}

func TestParseName(t *testing.T) {
	for in, want := range map[string]string{"wc-1": "wc-1", "cluster.cluster.x-k8s.io/wc-1": "wc-1", "clusters/wc-1": "wc-1"} {
		got, err := ParseName(in)
		if err != nil || got != want {
			t.Errorf("%s: %q %v", in, got, err)
		}
	}
	if _, err := ParseName("machine/wc-1"); err == nil {
		t.Error("machine/wc-1 accepted as a cluster")
	}
}
