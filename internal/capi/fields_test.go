package capi

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// The typed reading of a Cluster (a list page decoded into ClusterFields,
// or FromUnstructured) must agree with the map-based reader it replaced,
// on the fixtures and on edge cases, with numbers as the API server sends
// them (int64) and as files give them (float64).
func TestClusterFieldsMatchTheMapReader(t *testing.T) {
	cases := map[string]string{"v1beta1": v1beta1Cluster, "legacy": v1beta1Legacy, "v1beta2": v1beta2Cluster,
		"no status": `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: bare, namespace: default, creationTimestamp: "2026-01-02T03:04:05Z"}
spec: {topology: {classRef: {name: c}, version: v1.30.2}}`,
		"deleting and paused": `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: gone, namespace: ns, deletionTimestamp: "2026-01-02T03:04:05Z", labels: {cluster-role.tkg.tanzu.vmware.com/management: ""}}
spec: {paused: true, controlPlaneEndpoint: {host: 10.0.0.1, port: 0}}`,
		"paused": `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: p, namespace: ns}
spec: {paused: true}
status: {phase: Provisioned}`,
		"v1beta1 empty v1beta2 conditions": `
apiVersion: cluster.x-k8s.io/v1beta1
kind: Cluster
metadata: {name: e, namespace: ns}
spec: {topology: {class: c, version: v1, controlPlane: {replicas: 1}, workers: {machineDeployments: [{name: md-0, class: w, replicas: 2}, {name: md-1, class: w}]}}}
status:
  phase: Provisioned
  conditions: [{type: Ready, status: "False", reason: WaitingForWorkers, message: "0 of 2 ready"}]
  v1beta2: {conditions: [], controlPlane: {}, workers: {desiredReplicas: 2, replicas: 1}}`,
		"provisioning with no conditions": `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: q, namespace: ns}
status: {phase: Unknown}`,
	}
	for name, doc := range cases {
		fromFile := parse(t, doc)
		fromServer := asServerSends(t, fromFile)
		for form, u := range map[string]*unstructured.Unstructured{"file": fromFile, "server": fromServer} {
			want := normal(referenceView(u))
			if got := normal(FromUnstructured(u)); got != want {
				t.Errorf("%s (%s numbers): FromUnstructured\n%s\nmap reader\n%s", name, form, got, want)
			}
			raw, err := json.Marshal(map[string]any{"items": []any{u.Object}})
			if err != nil {
				t.Fatal(err)
			}
			var page struct {
				Items []ClusterFields `json:"items"`
			}
			if err := json.Unmarshal(raw, &page); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := normal(page.Items[0].View()); got != want {
				t.Errorf("%s (%s numbers): list decoding\n%s\nmap reader\n%s", name, form, got, want)
			}
			// Fleet views decode in one pass: the same view.
			page.Items = nil
			if err := kube.DecodeOnePass(raw, &page); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := normal(page.Items[0].View()); got != want {
				t.Errorf("%s (%s numbers): one-pass list decoding\n%s\nmap reader\n%s", name, form, got, want)
			}
		}
	}
}

// asServerSends decodes an object as the API client does: whole numbers
// become int64.
func asServerSends(t *testing.T, u *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	raw, err := u.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	out := &unstructured.Unstructured{}
	if err := out.UnmarshalJSON(raw); err != nil {
		t.Fatal(err)
	}
	return out
}

// normal renders a view for comparison: an absent list and an empty one
// are the same to every reader of the view.
func normal(c Cluster) string {
	if len(c.Conditions) == 0 {
		c.Conditions = nil
	}
	if len(c.Pools) == 0 {
		c.Pools = nil
	}
	c.Created = c.Created.UTC()
	raw, _ := json.Marshal(c)
	return fmt.Sprintf("%s control plane %+v workers %+v", raw, c.ControlPlane, c.Workers)
}

// referenceView is the map-based reader ClusterFields replaced, kept as
// the reference the typed decoding must agree with.
func referenceView(u *unstructured.Unstructured) Cluster {
	obj := u.Object
	c := Cluster{
		Namespace: u.GetNamespace(),
		Name:      u.GetName(),
		Created:   u.GetCreationTimestamp().Time,
		Deleting:  u.GetDeletionTimestamp() != nil,
		TKR:       u.GetLabels()[LabelTKR],
		Plan:      u.GetAnnotations()[AnnotationPlan],
		Role:      "workload",
	}
	if c.TKR == "" {
		c.TKR = u.GetLabels()[LabelTKRLegacy]
	}
	if _, ok := u.GetLabels()[LabelRole]; ok {
		c.Role = "management"
	}
	v1beta1 := strings.HasSuffix(u.GetAPIVersion(), "/v1beta1")
	c.Class = str(obj, "spec", "topology", "classRef", "name")
	if c.Class == "" {
		c.Class = str(obj, "spec", "topology", "class")
	}
	c.Version = str(obj, "spec", "topology", "version")
	c.Phase = str(obj, "status", "phase")
	c.Paused, _, _ = unstructured.NestedBool(obj, "spec", "paused")
	if host := str(obj, "spec", "controlPlaneEndpoint", "host"); host != "" {
		c.Endpoint = host
		if port, ok := int64At(obj, "spec", "controlPlaneEndpoint", "port"); ok && port != 0 {
			c.Endpoint = fmt.Sprintf("%s:%d", host, port)
		}
	}
	if r, ok := int64At(obj, "spec", "topology", "controlPlane", "replicas"); ok {
		c.ControlPlane.Desired = r
	}
	mds, _, _ := unstructured.NestedSlice(obj, "spec", "topology", "workers", "machineDeployments")
	for _, item := range mds {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		md := MachineDeployment{Name: str(m, "name"), Class: str(m, "class"), FailureDomain: str(m, "failureDomain")}
		if r, ok := int64At(m, "replicas"); ok {
			md.Replicas = &r
			c.Workers.Desired += r
		}
		c.Pools = append(c.Pools, md)
	}

	statusPath := []string{"status"}
	if v1beta1 {
		// v1beta1 objects of Cluster API 1.9+ carry the new shape under status.v1beta2.
		statusPath = []string{"status", "v1beta2"}
	}
	refReplicas(obj, append(statusPath, "controlPlane"), &c.ControlPlane)
	refReplicas(obj, append(statusPath, "workers"), &c.Workers)
	c.Conditions = wait.Conditions(u, append(statusPath, "conditions")...)
	if v1beta1 && len(c.Conditions) == 0 {
		c.Conditions = wait.Conditions(u)
	}
	c.Status, c.Message = refStatus(u, c, v1beta1)
	return c
}

func refReplicas(obj map[string]any, path []string, r *Replicas) {
	m, ok, _ := unstructured.NestedMap(obj, path...)
	if !ok {
		return
	}
	get := func(k string) int64 {
		v, _ := int64At(m, k)
		return v
	}
	r.Known = true
	if d, ok := int64At(m, "desiredReplicas"); ok {
		r.Desired = d
	}
	r.Current, r.Ready, r.Available, r.UpToDate = get("replicas"), get("readyReplicas"), get("availableReplicas"), get("upToDateReplicas")
}

func refStatus(u *unstructured.Unstructured, c Cluster, v1beta1 bool) (string, string) {
	switch {
	case c.Deleting:
		return StatusDeleting, "deletion requested " + u.GetDeletionTimestamp().UTC().Format(time.RFC3339)
	case c.Paused:
		return StatusPaused, "spec.paused is true: controllers do not reconcile it"
	}
	if msg := str(u.Object, "status", "failureMessage"); msg != "" {
		return StatusFailed, msg
	}
	if msg := str(u.Object, "status", "deprecated", "v1beta1", "failureMessage"); msg != "" {
		return StatusFailed, msg
	}
	if c.Phase == "Failed" {
		return StatusFailed, firstFalse(c.Conditions)
	}
	availableType := "Available"
	if v1beta1 && !hasType(c.Conditions, "Available") {
		availableType = "Ready"
	}
	if cond, ok := wait.Find(c.Conditions, availableType); ok {
		switch {
		case cond.Status == "True":
			return StatusAvailable, ""
		case c.Phase == "Provisioned":
			return StatusDegraded, pickMessage(cond, c.Conditions)
		default:
			return StatusProvisioning, pickMessage(cond, c.Conditions)
		}
	}
	switch c.Phase {
	case "Pending", "Provisioning", "":
		return StatusProvisioning, c.Phase
	}
	return StatusUnknown, "no " + availableType + " condition reported yet"
}

// TestIsManagementAsTheView: the label test agrees with the view's role.
func TestIsManagementAsTheView(t *testing.T) {
	for _, labels := range []map[string]any{nil, {"a": "b"}, {LabelRole: ""}, {LabelRole: "true", "a": "b"}} {
		meta := map[string]any{"name": "c"}
		if labels != nil {
			meta["labels"] = labels
		}
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "cluster.x-k8s.io/v1beta2", "kind": "Cluster", "metadata": meta}}
		if got, want := IsManagement(u), FromUnstructured(u).Role == "management"; got != want {
			t.Errorf("labels %v: IsManagement %v, the view says %v", labels, got, want)
		}
	}
}
