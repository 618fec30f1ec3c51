package policy

import (
	"context"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// securityPod is a pod of one container with the given security context
// and volumes (YAML fragments, empty for none).
func securityPod(name, securityContext, volumes string) string {
	s := "apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + "}\nspec:\n  containers:\n  - name: app\n    image: harbor.example.com/app:1.0\n"
	if securityContext != "" {
		s += "    securityContext: " + securityContext + "\n"
	}
	if volumes != "" {
		s += "  volumes: " + volumes + "\n"
	}
	return s
}

const noEscalation = "{allowPrivilegeEscalation: false}"

// TestBaselineDeniesWhatItLeavesOpen: a baseline security policy with
// --deny-host-path and --deny-privileged. Pod Security Admission enforces
// baseline; the policy's ValidatingAdmissionPolicy refuses, with the
// policy's message, what baseline allows (privilege escalation, flexVolume
// and gitRepo volumes), and keeps refusing hostPath once someone lowers the
// namespace's Pod Security label by hand. The file form is the same policy;
// status sees the pod that was there before; delete leaves nothing.
func TestBaselineDeniesWhatItLeavesOpen(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	if r := createPod(e, ns, securityPod("old", "", "")); r.Code != 0 {
		t.Fatalf("creating the old pod: %s", r.Stderr)
	}
	// Debugged before the policy, with a container that may escalate.
	e.Kubectl("debug", "old", "-n", ns, "--profile", "legacy", "--image", "harbor.example.com/tools:1.0", "--", "true").Success()
	name := "hardened-" + strings.SplitN(ns, "-", 2)[0]
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", name).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "security", name, "--level", "baseline", "--deny-host-path", "--deny-privileged", "--namespaces", ns).Success().
		StdoutContains("namespace/"+ns+" configured",
			"validatingadmissionpolicy.admissionregistration.k8s.io/tko-"+name+" created",
			"validatingadmissionpolicybinding.admissionregistration.k8s.io/tko-"+name+" created")

	// What baseline allows, the policy refuses.
	if msg := refused(t, e, ns, securityPod("escalating", "{allowPrivilegeEscalation: true}", "")); !strings.Contains(msg, "policy "+name+": container app must set securityContext.allowPrivilegeEscalation: false") {
		t.Errorf("an escalating container refused for another reason: %s", msg)
	}
	if msg := refused(t, e, ns, securityPod("silent", "", "")); !strings.Contains(msg, "policy "+name+": container app must set securityContext.allowPrivilegeEscalation: false") {
		t.Errorf("a container that does not say refused for another reason: %s", msg)
	}
	if msg := refused(t, e, ns, securityPod("flex", noEscalation, "[{name: driver, flexVolume: {driver: example.com/x}}]")); !strings.Contains(msg, "policy "+name+": volume driver reaches into the node") {
		t.Errorf("a flexVolume refused for another reason: %s", msg)
	}
	// What baseline refuses, Pod Security Admission (which runs first) refuses.
	if msg := refused(t, e, ns, securityPod("host", noEscalation, "[{name: etc, hostPath: {path: /etc}}]")); !strings.Contains(msg, `violates PodSecurity "baseline:latest": hostPath volumes`) {
		t.Errorf("a hostPath volume refused for another reason: %s", msg)
	}
	if r := createPod(e, ns, securityPod("compliant", noEscalation, "[{name: scratch, emptyDir: {}}]")); r.Code != 0 {
		t.Fatalf("a compliant pod was refused: %s", r.Stderr)
	}
	// A container added to a running pod is judged too: kubectl debug's
	// baseline profile passes Pod Security baseline, not the policy.
	e.Kubectl("debug", "compliant", "-n", ns, "--profile", "baseline", "--image", "harbor.example.com/tools:1.0", "--", "true").ExitCode(1).
		StderrContains("policy " + name + ": container debugger-")
	// Only the containers a request adds are judged: the old pod's earlier
	// debug container does not keep it from being debugged again, nor
	// (not matched at all) from being labelled.
	e.Kubectl("debug", "old", "-n", ns, "--profile", "restricted", "--image", "harbor.example.com/tools:1.0", "--", "true").Success()
	e.Kubectl("label", "pod", "old", "team=a", "-n", ns, "--as", localcp.ViewerUser).Success()

	// Rules, the file form, and the pod that was there before.
	e.Kubectl("tko", "cluster", "policy", "list", "-o", "wide").Success().
		StdoutContains(name + "\tsecurity\tbaseline\t1\t")
	e.Kubectl("tko", "cluster", "policy", "list", "-o", "wide").Success().StdoutContains("baseline; deny host path; deny privileged")
	e.Kubectl("tko", "cluster", "policy", "get", name).Success().StdoutContains("denyHostPath: true", "denyPrivileged: true", "recipe: baseline")
	file := writeFile(t, "hardened.yaml", `apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: ClusterPolicy
metadata:
  name: `+name+`
spec:
  type: security
  recipe: baseline
  parameters:
    denyHostPath: true
    denyPrivileged: true
  scope:
    namespaces: [`+ns+`]
`)
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file).Success().
		StdoutContains("namespace/"+ns+" unchanged", "validatingadmissionpolicy.admissionregistration.k8s.io/tko-"+name+" unchanged").StdoutLacks("created", " configured")
	e.Kubectl("tko", "cluster", "policy", "status", name).Success().
		StdoutContains(name+"\tsecurity\tViolated\t1\t0\t1", "pod old -n "+ns+" would be refused: ", "container app must set securityContext.allowPrivilegeEscalation: false")

	// Someone lowers the namespace's level by hand: Pod Security Admission
	// lets hostPath through, the policy's binding (by namespace name) does
	// not, and status shows the drift.
	e.Kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=privileged", "--overwrite").Success()
	if msg := refused(t, e, ns, securityPod("host", noEscalation, "[{name: etc, hostPath: {path: /etc}}]")); !strings.Contains(msg, "policy "+name+": volume etc reaches into the node: hostPath, flexVolume and gitRepo volumes are not allowed") {
		t.Errorf("a hostPath volume under a lowered label refused for another reason: %s", msg)
	}
	if msg := refused(t, e, ns, securityPod("privileged", "{privileged: true}", "")); !strings.Contains(msg, "policy "+name+": privileged containers") {
		t.Errorf("a privileged container under a lowered label refused for another reason: %s", msg)
	}
	e.Kubectl("tko", "cluster", "policy", "status", name, "--no-pods").ExitCode(explain.ExitFailure).
		StdoutContains(`namespace/` + ns + ` changed: label pod-security.kubernetes.io/enforce is "privileged", the policy sets "baseline"`)
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file).Success().StdoutContains("namespace/" + ns + " configured")

	// Without the rules, the policy is Pod Security labels alone again.
	e.Kubectl("tko", "cluster", "policy", "apply", "security", name, "--level", "baseline", "--namespaces", ns).Success().
		StdoutContains("validatingadmissionpolicy.admissionregistration.k8s.io/tko-" + name + " deleted")
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file).Success()
	e.Kubectl("tko", "cluster", "policy", "delete", name).Success().
		StdoutContains("namespace/"+ns+" policy labels removed", "validatingadmissionpolicybinding.admissionregistration.k8s.io/tko-"+name+" deleted",
			"validatingadmissionpolicy.admissionregistration.k8s.io/tko-"+name+" deleted")
	if _, err := e.Dyn().Resource(policy.VAPs).Get(context.Background(), "tko-"+name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the ValidatingAdmissionPolicy is still there: %v", err)
	}
	if _, err := e.Dyn().Resource(policy.VAPBindings).Get(context.Background(), "tko-"+name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the binding is still there: %v", err)
	}
}
