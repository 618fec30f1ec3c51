package policy

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var (
	roleBindings    = schema.GroupVersionResource{Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"}
	serviceAccounts = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// developerNamespace is a namespace where the ordinary user tko-viewer may
// edit (ClusterRole edit), with its default ServiceAccount in place.
func developerNamespace(t *testing.T, e *harness.Env) string {
	t.Helper()
	ns := e.Namespace()
	e.Create(roleBindings, ns, &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: metav1.ObjectMeta{Name: "developer", Namespace: ns},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: localcp.ViewerUser}},
	})
	eventually(t, "the default ServiceAccount of "+ns, func() error {
		_, err := e.Dyn().Resource(serviceAccounts).Namespace(ns).Get(context.Background(), "default", metav1.GetOptions{})
		return err
	})
	return ns
}

func eventually(t *testing.T, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// podGone waits until a pod is deleted.
func podGone(t *testing.T, e *harness.Env, ns, name string) {
	t.Helper()
	eventually(t, "pod "+name+" gone", func() error {
		_, err := e.Dyn().Resource(policy.Pods).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%w)", err)
	})
}

func pod(name, image string, privileged bool, cpu string) string {
	s := fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  containers:\n  - name: app\n    image: %s\n", name, image)
	if privileged {
		s += "    securityContext: {privileged: true}\n"
	}
	if cpu != "" {
		s += fmt.Sprintf("    resources: {requests: {cpu: %q}, limits: {cpu: %q}}\n", cpu, cpu)
	}
	return s
}

// createPod creates a pod as the ordinary user through real kubectl.
func createPod(e *harness.Env, ns, manifest string) *harness.Result {
	return e.Kubectl("create", "-f", "-", "-n", ns, "--as", localcp.ViewerUser).Stdin(manifest).Run()
}

// refused waits until the API server refuses a pod (admission policies
// reach the API server's informers within a second or so) and returns
// kubectl's error.
func refused(t *testing.T, e *harness.Env, ns, manifest string) string {
	t.Helper()
	var stderr string
	eventually(t, "the API server refusing "+strings.SplitN(manifest, "\n", 4)[2], func() error {
		r := createPod(e, ns, manifest)
		if r.Code == 0 {
			_ = e.Kubectl("delete", "-f", "-", "-n", ns, "--wait=false").Stdin(manifest).Run()
			return fmt.Errorf("accepted")
		}
		stderr = r.Stderr
		return nil
	})
	return stderr
}

// TestSecurityAndRegistryPoliciesEnforcedByTheAPIServer: a baseline
// security policy and a block-latest-tag registry policy; the real API
// server refuses a privileged pod and an nginx:latest pod of an ordinary
// user and accepts a compliant one. Reruns converge; status sees a pod
// that was there before, and a binding deleted by hand; delete leaves
// nothing.
func TestSecurityAndRegistryPoliciesEnforcedByTheAPIServer(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	// A pod that was there before any policy.
	if r := createPod(e, ns, pod("old-privileged", "harbor.example.com/tools:1.0", true, "")); r.Code != 0 {
		t.Fatalf("creating the old pod: %s", r.Stderr)
	}

	id := strings.SplitN(ns, "-", 2)[0]
	sec, reg := "sec-"+id, "reg-"+id
	// The server dry run answers which existing pods the level would refuse.
	e.Kubectl("tko", "cluster", "policy", "apply", "security", sec, "--recipe", "baseline", "--namespaces", ns, "--dry-run=server").Success().
		StdoutContains("namespace/"+ns+" configured (dry run)").StderrContains("old-privileged", "privileged")
	e.Kubectl("tko", "cluster", "policy", "apply", "security", sec, "--recipe", "baseline", "--namespaces", ns).Success().
		StdoutContains("namespace/" + ns + " configured")
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", reg, "--block-latest-tag", "--namespaces", ns).Success().
		StdoutContains("validatingadmissionpolicy.admissionregistration.k8s.io/tko-"+reg+" created",
			"validatingadmissionpolicybinding.admissionregistration.k8s.io/tko-"+reg+" created")
	t.Cleanup(func() {
		e.Kubectl("tko", "cluster", "policy", "delete", sec).Run()
		e.Kubectl("tko", "cluster", "policy", "delete", reg).Run()
	})

	if msg := refused(t, e, ns, pod("privileged", "harbor.example.com/app:1.0", true, "")); !strings.Contains(msg, `violates PodSecurity "baseline:latest": privileged`) {
		t.Errorf("privileged pod refused for another reason: %s", msg)
	}
	if msg := refused(t, e, ns, pod("latest", "nginx:latest", false, "")); !strings.Contains(msg, "policy "+reg+": images tagged latest") {
		t.Errorf("nginx:latest refused for another reason: %s", msg)
	}
	if msg := refused(t, e, ns, pod("untagged", "nginx", false, "")); !strings.Contains(msg, "tko-"+reg) {
		t.Errorf("an untagged image refused for another reason: %s", msg)
	}
	if r := createPod(e, ns, pod("compliant", "nginx:1.27.2", false, "")); r.Code != 0 {
		t.Fatalf("a compliant pod was refused: %s", r.Stderr)
	}

	// Completion: types, recipes of a type, names of the applied policies.
	e.Plugin("kubectl-tko-cluster", "__complete", "policy", "apply", "").Success().StdoutContains("security\n", "image-registry\n", "custom\n")
	e.Plugin("kubectl-tko-cluster", "__complete", "policy", "apply", "network", "x", "--recipe", "").Success().StdoutContains("deny-all-egress\n")
	e.Plugin("kubectl-tko-cluster", "__complete", "policy", "status", "").Success().StdoutContains(sec+"\n", reg+"\n")

	// Reruns converge.
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", reg, "--block-latest-tag", "--namespaces", ns).Success().
		StdoutContains("tko-"+reg+" unchanged").StdoutLacks("created", " configured")
	e.Kubectl("tko", "cluster", "policy", "list", "-o", "wide").Success().
		StdoutContains(sec+"\tsecurity\tbaseline\t1", reg+"\timage-registry\tblock-latest-tag\t1", "namespaces "+ns)

	// The old pod is a violation, not drift.
	e.Kubectl("tko", "cluster", "policy", "status", sec).Success().
		StdoutContains(sec+"\tsecurity\tViolated\t1\t0\t1", "pod old-privileged -n "+ns+" would be refused: violates PodSecurity")

	// A binding deleted by hand is drift (exit 1); a rerun repairs it.
	if err := e.Dyn().Resource(policy.VAPBindings).Delete(context.Background(), "tko-"+reg, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "cluster", "policy", "status", reg).ExitCode(explain.ExitFailure).
		StdoutContains(reg+"\timage-registry\tDrifted", "validatingadmissionpolicybinding.admissionregistration.k8s.io/tko-"+reg+" missing")
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", reg, "--block-latest-tag", "--namespaces", ns).Success().
		StdoutContains("validatingadmissionpolicybinding.admissionregistration.k8s.io/tko-" + reg + " created")
	e.Kubectl("tko", "cluster", "policy", "status", reg).Success().StdoutContains(reg + "\timage-registry\tApplied")

	// A second policy of another name never takes the first's namespace.
	e.Kubectl("tko", "cluster", "policy", "apply", "security", "other-"+id, "--recipe", "restricted", "--namespaces", ns).ExitCode(explain.ExitUsage).
		ProblemReport("1 problem(s), nothing was applied", "namespace/"+ns+": governed by security policy "+sec)

	// Delete leaves nothing.
	e.Kubectl("tko", "cluster", "policy", "delete", reg, "--dry-run").Success().StdoutContains("tko-" + reg + " deleted (dry run)")
	e.Kubectl("tko", "cluster", "policy", "delete", reg).Success().StdoutContains("validatingadmissionpolicy.admissionregistration.k8s.io/tko-" + reg + " deleted")
	e.Kubectl("tko", "cluster", "policy", "delete", sec).Success().StdoutContains("namespace/" + ns + " policy labels removed")
	if _, err := e.Dyn().Resource(policy.VAPs).Get(context.Background(), "tko-"+reg, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("the ValidatingAdmissionPolicy is still there: %v", err)
	}
	nsObj, err := e.Dyn().Resource(policy.Namespaces).Get(context.Background(), ns, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range nsObj.GetLabels() {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") || strings.HasPrefix(k, "tko.tanzu.vmware.com/") {
			t.Errorf("namespace label %s left behind", k)
		}
	}
	e.Kubectl("tko", "cluster", "policy", "delete", reg).ExitCode(explain.ExitNotFound).OneLineError(`policy "` + reg + `" not found`)
	eventually(t, "the API server accepting nginx:latest again", func() error {
		if r := createPod(e, ns, pod("latest", "nginx:latest", false, "")); r.Code != 0 {
			return fmt.Errorf("%s", r.Stderr)
		}
		return nil
	})
}

// TestQuotaPolicyFromAFileOnAWorkloadCluster: a small namespace quota from
// a ClusterPolicy file, applied through the workload cluster's kubeconfig
// Secret; the ResourceQuota refuses an over-limit pod; the LimitRange
// gives a pod without resources its defaults.
func TestQuotaPolicyFromAFileOnAWorkloadCluster(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	name := "quota-" + strings.SplitN(ns, "-", 2)[0]
	file := writeFile(t, "quota.yaml", `apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: ClusterPolicy
metadata:
  name: `+name+`
spec:
  type: namespace-quota
  recipe: small
  scope:
    namespaces: [`+ns+`]
`)
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file, "--cluster", "wc-prod-1", "--dry-run", "-o", "yaml").Success().
		StdoutContains("kind: ResourceQuota", "requests.cpu: 500m", "limits.memory: 2Gi", "kind: LimitRange")
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", name).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file, "--cluster", "wc-prod-1").Success().
		StdoutContains("cluster default/wc-prod-1:", "resourcequota/tko-"+name+" created", "limitrange/tko-"+name+" created")
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file, "--cluster", "wc-prod-1").Success().
		StdoutContains("resourcequota/tko-" + name + " unchanged")
	e.Kubectl("tko", "cluster", "policy", "list", "--cluster", "wc-prod-1").Success().
		StdoutContains("default/wc-prod-1\t" + name + "\tnamespace-quota\tsmall\t1")
	// A quota edited by hand is drift; a rerun puts it back.
	e.Kubectl("tko", "cluster", "policy", "status", name, "--cluster", "wc-prod-1").Success().StdoutContains(name + "\tnamespace-quota\tApplied")
	e.Kubectl("patch", "resourcequota", "tko-"+name, "-n", ns, "--type", "merge", "-p", `{"spec":{"hard":{"requests.cpu":"8"}}}`).Success()
	e.Kubectl("tko", "cluster", "policy", "status", name).ExitCode(explain.ExitFailure).
		StdoutContains(name+"\tnamespace-quota\tDrifted", "resourcequota/tko-"+name+" -n "+ns+" changed: spec.hard.requests.cpu was changed")
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", file).Success().StdoutContains("resourcequota/tko-" + name + " configured")
	e.Kubectl("tko", "cluster", "policy", "status", name).Success().StdoutContains(name + "\tnamespace-quota\tApplied")
	if msg := refused(t, e, ns, pod("big", "nginx:1.27.2", false, "2")); !strings.Contains(msg, "exceeded quota: tko-"+name) {
		t.Errorf("over-limit pod refused for another reason: %s", msg)
	}
	if r := createPod(e, ns, pod("defaults", "nginx:1.27.2", false, "")); r.Code != 0 {
		t.Fatalf("a pod without resources was refused: %s", r.Stderr)
	}
	// A larger pod, made before a smaller quota: the quota is below usage.
	if r := createPod(e, ns, pod("grown", "nginx:1.27.2", false, "400m")); r.Code != 0 {
		t.Fatalf("a pod within the quota was refused: %s", r.Stderr)
	}
	e.Kubectl("tko", "cluster", "policy", "apply", "namespace-quota", name, "--cpu", "500m", "--namespaces", ns, "--dry-run=server").Success().
		StderrContains("Warning: namespace " + ns + " already uses limits.cpu 650m, above the quota's 500m")
	e.Kubectl("tko", "cluster", "policy", "get", name).Success().StdoutContains("kind: ClusterPolicy", "recipe: small")
	e.Kubectl("tko", "cluster", "policy", "delete", name, "--cluster", "wc-prod-1").Success().
		StdoutContains("resourcequota/tko-"+name+" deleted", "limitrange/tko-"+name+" deleted")
}

// TestBadPoliciesAreRefusedWhole: every problem of a file at once, with
// its line, and nothing applied.
func TestBadPoliciesAreRefusedWhole(t *testing.T) {
	e := suite.New(t)
	bad := writeFile(t, "bad.yaml", `apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: ClusterPolicy
metadata:
  name: bad-registry
spec:
  type: image-registry
  recipe: allowed-name-tag
  parameters:
    allow: [harbor.example.com, "https://gcr.io/", "harbor.example.com/app:1.0", "*"]
    blockLatest: true
    denyPrivileged: true
---
apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: ClusterPolicy
metadata:
  name: bad-security
spec:
  type: security
  recipe: privileged
---
apiVersion: tko.tanzu.vmware.com/v1alpha1
kind: ClusterPolicy
metadata:
  name: bad-net
spec:
  type: firewall
  recipe: deny-all
`)
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", bad).ExitCode(explain.ExitUsage).ProblemReport("7 problem(s), nothing was applied",
		bad+`:9: spec.parameters.allow[1]: "https://gcr.io/" can never match an image: images name a registry without a scheme (gcr.io)`,
		bad+`:9: spec.parameters.allow[2]: "harbor.example.com/app:1.0" can never match an image: allow the repository (harbor.example.com/app) without a tag`,
		bad+`:9: spec.parameters.allow[3]: "*" admits every image`,
		bad+`:10: spec.parameters.blockLatest: unknown key "blockLatest" (did you mean "blockLatestTag"?)`,
		bad+`:11: spec.parameters.denyPrivileged: applies to security policies, not to image-registry ones`,
		bad+`:19: spec.recipe: "privileged" is not a recipe of security policies (one of: baseline, restricted)`,
		bad+`:26: spec.type: value must be one of`)
	// A pattern that cannot match, given by flags to every workload
	// cluster: refused before any cluster is reached.
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", "harbor-only", "--allow", "https://harbor.example.com,harbor.example.com/tkg@sha256:0a1b", "--all-workload-clusters").
		ExitCode(explain.ExitUsage).ProblemReport("policy harbor-only: 2 problem(s), nothing was applied",
		`--allow: "https://harbor.example.com" can never match an image: images name a registry without a scheme (harbor.example.com)`,
		`--allow: "harbor.example.com/tkg@sha256:0a1b" can never match an image: allow the repository (harbor.example.com/tkg) without a digest`)
	e.Kubectl("tko", "cluster", "policy", "list", "--all-workload-clusters").Success().StdoutLacks("harbor-only")
	e.Kubectl("tko", "cluster", "policy", "apply", "quota", "q", "--cpu", "lots").ExitCode(explain.ExitUsage).
		ProblemReport("1 problem(s), nothing was applied", `--cpu: "lots" is not a quantity`)
	e.Kubectl("tko", "cluster", "policy", "apply", "firewall", "x").ExitCode(explain.ExitUsage).StderrContains(`unknown policy type "firewall"`)
	e.Kubectl("tko", "cluster", "policy", "apply", "network", "none", "--recipe", "deny-all", "--namespaces", "no-such-namespace").
		ExitCode(explain.ExitUsage).OneLineError("policy none selects no namespace on this cluster (scope: namespaces no-such-namespace)")
	e.Kubectl("tko", "cluster", "policy", "apply", "network", "n", "--recipe", "deny-all", "--cluster-selector", "tkg.tanzu.vmware.com/cluster-plan=nope").
		ExitCode(explain.ExitNotFound).OneLineError(`workload cluster "any" not found`)
	e.Kubectl("tko", "cluster", "policy", "apply", "network", "n", "--recipe", "deny-all", "--as", localcp.ViewerUser).
		ExitCode(explain.ExitForbidden).OneLineError(`user "tko-viewer" may not`)
	e.Kubectl("tko", "cluster", "policy", "list").Success().StdoutLacks("bad-registry", "bad-security", "bad-net", "harbor-only")
	e.Kubectl("tko", "cluster", "policy", "recipes", "network").Success().StdoutContains("network\tdeny-all-egress")
}

// TestCustomPolicyWithItsOwnCEL: a user's ValidatingAdmissionPolicy bound
// to the policy's namespace is enforced by the API server; one whose CEL
// does not compile is refused by the API server's check, with its
// compilation error, and nothing is applied.
func TestCustomPolicyWithItsOwnCEL(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	name := "team-" + strings.SplitN(ns, "-", 2)[0]
	vap := writeFile(t, "vap.yaml", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: require-team-label
spec:
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: every pod must say its team (label team)
`)
	// A pod from before the policy, which breaks its rule, with a finalizer.
	old := "apiVersion: v1\nkind: Pod\nmetadata: {name: old, finalizers: [example.com/hold]}\nspec:\n  containers:\n  - {name: app, image: \"nginx:1.27.2\"}\n"
	if r := createPod(e, ns, old); r.Code != 0 {
		t.Fatalf("creating the old pod: %s", r.Stderr)
	}
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", name).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "custom", name, "-f", vap, "--namespaces", ns).Success().
		StdoutContains("validatingadmissionpolicy.admissionregistration.k8s.io/tko-" + name + " created")
	if msg := refused(t, e, ns, pod("unlabelled", "nginx:1.27.2", false, "")); !strings.Contains(msg, "every pod must say its team") {
		t.Errorf("unlabelled pod refused for another reason: %s", msg)
	}
	// The rules judge an update of the old pod's spec, labels or
	// annotations (they may read them), not the removal of its finalizer
	// that its deletion waits for.
	e.Kubectl("annotate", "pod", "old", "example.com/note=x", "-n", ns, "--as", localcp.ViewerUser).ExitCode(1).StderrContains("every pod must say its team")
	e.Kubectl("delete", "pod", "old", "-n", ns, "--wait=false").Success()
	e.Kubectl("patch", "pod", "old", "-n", ns, "--type=json", "-p", `[{"op":"remove","path":"/metadata/finalizers"}]`).Success()
	podGone(t, e, ns, "old")
	e.Kubectl("tko", "cluster", "policy", "apply", "custom", name, "-f", vap, "--namespaces", ns).Success().
		StdoutContains("tko-"+name+" unchanged").StdoutLacks("created", " configured")
	e.Kubectl("tko", "cluster", "policy", "status", name).Success().StdoutContains(name + "\tcustom\tApplied")

	// NetworkPolicies are stored (no CNI runs here to enforce them).
	netpol := "deny-" + strings.SplitN(ns, "-", 2)[0]
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", netpol).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "network", netpol, "--recipe", "deny-all-egress", "--namespaces", ns).Success().
		StdoutContains("networkpolicy.networking.k8s.io/tko-" + netpol + " created")
	e.Kubectl("get", "networkpolicy", "tko-"+netpol, "-n", ns, "-o", "jsonpath={.spec.policyTypes}").Success().StdoutContains(`["Egress"]`)
	e.Kubectl("tko", "cluster", "policy", "status", netpol).Success().StdoutContains(netpol + "\tnetwork\tApplied\t1\t0\t0")

	broken := writeFile(t, "broken.yaml", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: broken
spec:
  validations:
  - expression: "object.metadata.labels.exists(l, l ==)"
`)
	e.Kubectl("tko", "cluster", "policy", "apply", "custom", "broken-cel", "-f", broken, "--namespaces", ns).ExitCode(explain.ExitUsage).
		StderrContains("tko-broken-cel", "compilation failed")
	if _, err := e.Dyn().Resource(policy.VAPs).Get(context.Background(), "tko-broken-cel", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a refused custom policy was applied: %v", err)
	}
	e.Kubectl("tko", "cluster", "policy", "apply", "custom", "none", "--namespaces", ns).ExitCode(explain.ExitUsage).StderrContains("needs -f VAP.yaml")
}

// TestFleetApplyIsAllOrNothing: two contexts, one of a user who may not
// write admission policies: that target refuses in the check, so nothing
// is applied on the other either; each failed target is a row of its own.
func TestFleetApplyIsAllOrNothing(t *testing.T) {
	e := suite.New(t)
	ns := developerNamespace(t, e)
	name := "fleet-" + strings.SplitN(ns, "-", 2)[0]
	targets := localcp.ContextName + "," + localcp.ViewerContext
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", name, "--require-digest", "--namespaces", ns, "--context", targets).
		ExitCode(explain.ExitFailure).
		StderrContains("error: context "+localcp.ViewerContext+": forbidden", "1 of 2 cluster(s) refused the policy: nothing was applied")
	if _, err := e.Dyn().Resource(policy.VAPs).Get(context.Background(), "tko-"+name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("the policy was applied on %s although %s refused it: %v", localcp.ContextName, localcp.ViewerContext, err)
	}
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "policy", "delete", name).Run() })
	e.Kubectl("tko", "cluster", "policy", "apply", "image-registry", name, "--require-digest", "--namespaces", ns, "--context", localcp.ContextName+",").Success().
		StdoutContains("cluster "+localcp.ContextName+":", "validatingadmissionpolicy.admissionregistration.k8s.io/tko-"+name+" created")
	e.Kubectl("tko", "cluster", "policy", "list", "--context", targets).Success().
		StdoutContains(localcp.ContextName+"\t"+name+"\timage-registry\trequire-digest", localcp.ViewerContext+"\t\tError: forbidden")

	// get across a fleet: one document per cluster that has the policy,
	// each naming its cluster; a failed target is a warning (exit 1 only
	// with --strict).
	e.Kubectl("tko", "cluster", "policy", "get", name, "--context", targets).Success().
		StdoutContains("tko.tanzu.vmware.com/context: "+localcp.ContextName, "requireDigest: true").
		StderrContains("warning: context " + localcp.ViewerContext + ": forbidden")
	e.Kubectl("tko", "cluster", "policy", "get", name, "--context", targets, "--strict").ExitCode(explain.ExitFailure)
	// The seeded workload clusters' kubeconfig Secrets all point at this
	// API server: each has the policy.
	r := e.Kubectl("tko", "cluster", "policy", "get", name, "--all-workload-clusters").Success().
		StderrContains("skipping clusters without a kubeconfig Secret")
	docs := strings.Split(r.Stdout, "---\n")
	if len(docs) != 2 || !strings.Contains(docs[0], "tko.tanzu.vmware.com/context: default/wc-prod-1") || !strings.Contains(docs[1], "tko.tanzu.vmware.com/context: team-a/wc-team-a") {
		t.Errorf("want one document per workload cluster:\n%s", r.Stdout)
	}
	e.Kubectl("tko", "cluster", "policy", "get", name, "--all-workload-clusters", "-o", "jsonpath={.kind}{range .items[*]} {.metadata.annotations.tko\\.tanzu\\.vmware\\.com/context}{end}").Success().
		StdoutContains("List default/wc-prod-1 team-a/wc-team-a")
	// One cluster named: its document alone, which applies again as it is.
	e.Kubectl("tko", "cluster", "policy", "get", name, "--cluster", "wc-prod-1").Success().
		StdoutContains("name: "+name, "requireDigest: true").StdoutLacks("tko.tanzu.vmware.com/context")
	exported := writeFile(t, "exported.yaml", docs[0])
	e.Kubectl("tko", "cluster", "policy", "apply", "-f", exported).Success().StdoutContains("tko-" + name + " unchanged")
	e.Kubectl("tko", "cluster", "policy", "get", name).Success().StdoutLacks("annotations")
	// Absent everywhere: a note per cluster, exit 3.
	absent := "absent-" + strings.SplitN(ns, "-", 2)[0]
	e.Kubectl("tko", "cluster", "policy", "get", absent, "--all-workload-clusters").ExitCode(explain.ExitNotFound).
		StderrContains("cluster default/wc-prod-1: policy "+absent+" is not applied there", "cluster team-a/wc-team-a: policy "+absent+" is not applied there",
			`error: policy "`+absent+`" not found`)
	e.Kubectl("tko", "cluster", "policy", "get", absent, "--cluster", "wc-prod-1").ExitCode(explain.ExitNotFound).
		OneLineError(`cluster default/wc-prod-1: policy "` + absent + `" not found`)
}
