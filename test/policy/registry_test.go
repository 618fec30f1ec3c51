package policy

import (
	"strings"
	"testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

// TestRegistryPolicyLetsPodsFromBeforeBeUpdated: a pod created before a
// block-latest-tag policy runs nginx:latest and carries a finalizer. Under
// the policy, new :latest pods are refused, but the old pod can still be
// labelled, annotated, given a compliant image or debug container, and
// deleted (its finalizer removed); an update that brings a :latest image
// into it, as a container's image or a debug container, is refused.
func TestRegistryPolicyLetsPodsFromBeforeBeUpdated(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	old := `apiVersion: v1
kind: Pod
metadata: {name: old, finalizers: [example.com/hold]}
spec:
  containers:
  - {name: app, image: "nginx:latest"}
  - {name: side, image: "nginx:1.27.2"}
`
	if r := createPod(e, ns, old); r.Code != 0 {
		t.Fatalf("creating the old pod: %s", r.Stderr)
	}
	t.Cleanup(func() {
		e.Kubectl("patch", "pod", "old", "-n", ns, "--type=merge", "-p", `{"metadata":{"finalizers":null}}`).Run()
	})
	name := "reg-" + strings.SplitN(ns, "-", 2)[0]
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", name).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", name, "--block-latest-tag", "--namespaces", ns).Success().
		StdoutContains("validatingadmissionpolicy.admissionregistration.k8s.io/tko-" + name + " created")
	latest := "policy " + name + ": images tagged latest, or without a tag, are not allowed"
	if msg := refused(t, e, ns, pod("new", "nginx:latest", false, "")); !strings.Contains(msg, latest) {
		t.Fatalf("a new nginx:latest pod refused for another reason: %s", msg)
	}

	// Updates that bring no new image are the pod's owner's business.
	as := []string{"-n", ns, "--as", localcp.ViewerUser}
	e.Kubectl(append([]string{"label", "pod", "old", "team=a"}, as...)...).Success()
	e.Kubectl(append([]string{"annotate", "pod", "old", "example.com/note=kept"}, as...)...).Success()
	e.Kubectl(append([]string{"patch", "pod", "old", "--type=merge", "-p", `{"spec":{"activeDeadlineSeconds":3600}}`}, as...)...).Success()
	// An image the update brings is judged; those the pod had are not.
	e.Kubectl(append([]string{"set", "image", "pod/old", "side=nginx:latest"}, as...)...).ExitCode(1).StderrContains(latest)
	e.Kubectl(append([]string{"set", "image", "pod/old", "side=nginx:1.27.3"}, as...)...).Success()
	e.Kubectl("debug", "old", "-n", ns, "--image", "busybox", "--", "true").ExitCode(1).StderrContains(latest)
	e.Kubectl("debug", "old", "-n", ns, "--image", "busybox:1.37", "--", "true").Success()

	// The policy is as applied: a rerun converges, status sees the old
	// pod as a violation, not drift.
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", name, "--block-latest-tag", "--namespaces", ns).Success().
		StdoutContains("tko-"+name+" unchanged").StdoutLacks("created", " configured")
	e.Kubectl("tko", "cluster", "policy", "status", name).Success().
		StdoutContains(name+"\timage-registry\tViolated\t1\t0\t1", "pod old -n "+ns+" would be refused: ")

	// Deleting the pod: its finalizer's controller removes the finalizer.
	e.Kubectl("delete", "pod", "old", "-n", ns, "--wait=false").Success()
	e.Kubectl("patch", "pod", "old", "-n", ns, "--type=json", "-p", `[{"op":"remove","path":"/metadata/finalizers"}]`).Success()
	podGone(t, e, ns, "old")
}
