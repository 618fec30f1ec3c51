package groups

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/carvel"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/testenv"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var (
	clusters        = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}
	serviceAccounts = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	secrets         = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// within polls fn until it holds or the time runs out.
func within(t *testing.T, d time.Duration, what string, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		err := fn()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s, not within %s: %v", what, d, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// label sets (or, with value "", removes) a label of a seeded Cluster.
func label(t *testing.T, e *harness.Env, ns, name, key, value string) {
	t.Helper()
	var v any = value
	if value == "" {
		v = nil
	}
	patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{key: v}}})
	if _, err := e.Dyn().Resource(clusters).Namespace(ns).Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatalf("labelling cluster %s/%s: %v", ns, name, err)
	}
	t.Cleanup(func() {
		patch, _ := json.Marshal(map[string]any{"metadata": map[string]any{"labels": map[string]any{key: nil}}})
		_, _ = e.Dyn().Resource(clusters).Namespace(ns).Patch(context.Background(), name, types.MergePatchType, patch, metav1.PatchOptions{})
	})
}

// reconciled waits until kapp-controller reports an App ReconcileSucceeded.
func reconciled(t *testing.T, e *harness.Env, ns, name string) {
	t.Helper()
	within(t, 2*time.Minute, "app "+ns+"/"+name+" ReconcileSucceeded", func() error {
		u, err := e.Dyn().Resource(carvel.Apps).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		a, err := carvel.AsApp(u)
		if err != nil {
			return err
		}
		if state := a.Status.State(u.GetGeneration(), false); state != "ReconcileSucceeded" {
			return fmt.Errorf("%s: %s", state, a.Status.UsefulErrorMessage)
		}
		return nil
	})
}

func exists(e *harness.Env, gvr schema.GroupVersionResource, ns, name string) error {
	_, err := e.Dyn().Resource(gvr).Namespace(ns).Get(context.Background(), name, metav1.GetOptions{})
	return err
}

func gone(e *harness.Env, gvr schema.GroupVersionResource, ns, name string) error {
	err := exists(e, gvr, ns, name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err == nil {
		return fmt.Errorf("%s %s still there", gvr.Resource, name)
	}
	return err
}

// podRefusal creates (server dry run) a pod whose container does not set
// allowPrivilegeEscalation: false, which Pod Security baseline allows and
// a security policy with --deny-privileged refuses; it returns the API
// server's refusal, or "" when the pod was accepted.
func podRefusal(e *harness.Env, ns string) string {
	manifest := "apiVersion: v1\nkind: Pod\nmetadata: {name: silent}\nspec:\n  containers:\n  - name: app\n    image: harbor.example.com/app:1.0\n"
	r := e.Kubectl("create", "--dry-run=server", "-f", "-", "-n", ns).Stdin(manifest).Run()
	if r.Code == 0 {
		return ""
	}
	return r.Stderr
}

// TestKappControllerHoldsAGroupPolicy: a security policy attached to a
// group becomes an App per member; kapp-controller deploys its admission
// policy and binding into the member through the member's kubeconfig
// Secret, and the member's API server refuses the pod the policy forbids.
// The binding deleted by hand in the member comes back by itself (the
// App's sync period), after which the pod is refused again. Detach removes
// the Apps; kapp-controller removes what they deployed; the namespace stays.
func TestKappControllerHoldsAGroupPolicy(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	within(t, 20*time.Second, "the default ServiceAccount of "+ns, func() error { return exists(e, serviceAccounts, ns, "default") })
	label(t, e, "default", "wc-prod-1", "groups.test/held", "yes")
	e.Kubectl("tko", "cluster", "group", "create", "held", "--selector", "groups.test/held=yes").Success().
		StdoutContains("clustergroup.tko.tanzu.vmware.com/held created")
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "held").Run() })
	e.Kubectl("tko", "cluster", "group", "attach", "held", "policy", "security", "held-sec", "--level", "baseline", "--deny-privileged", "--namespaces", ns, "--sync-period", "30s").Success().
		StdoutContains("cluster default/wc-prod-1: policy/held-sec: app.kappctrl.k14s.io/tko-held-held-sec-wc-prod-1 created")
	app := "tko-held-held-sec-wc-prod-1"
	reconciled(t, e, "default", app)
	for _, gvr := range []schema.GroupVersionResource{policy.VAPs, policy.VAPBindings} {
		if err := exists(e, gvr, "", "tko-held-sec"); err != nil {
			t.Fatalf("kapp-controller did not deploy %s: %v", gvr.Resource, err)
		}
	}
	var msg string
	within(t, 20*time.Second, "the API server refusing a pod that may escalate", func() error {
		if msg = podRefusal(e, ns); msg == "" {
			return fmt.Errorf("accepted")
		}
		return nil
	})
	if !strings.Contains(msg, "policy held-sec: container app must set securityContext.allowPrivilegeEscalation: false") {
		t.Fatalf("refused for another reason: %s", msg)
	}
	e.Kubectl("tko", "cluster", "group", "list").Success().StdoutContains("held\tdefault/wc-prod-1\tAvailable\tv1.30.2+vmware.1\tpolicy/held-sec\t1/1")

	// Drift: the binding deleted by hand in the member.
	e.Kubectl("delete", "validatingadmissionpolicybinding", "tko-held-sec").Success()
	within(t, 20*time.Second, "the API server accepting the pod without the binding", func() error {
		if m := podRefusal(e, ns); m != "" {
			return fmt.Errorf("still refused: %s", m)
		}
		return nil
	})
	start := time.Now()
	within(t, 90*time.Second, "kapp-controller putting the binding back", func() error { return exists(e, policy.VAPBindings, "", "tko-held-sec") })
	t.Logf("kapp-controller put the binding back after %s", time.Since(start).Round(time.Second))
	within(t, 20*time.Second, "the API server refusing the pod again", func() error {
		if podRefusal(e, ns) == "" {
			return fmt.Errorf("accepted")
		}
		return nil
	})
	// The binding holds where Pod Security Admission was lowered by hand:
	// a privileged pod is refused by the policy kapp-controller keeps.
	e.Kubectl("label", "namespace", ns, "pod-security.kubernetes.io/enforce=privileged", "--overwrite").Success()
	privileged := "apiVersion: v1\nkind: Pod\nmetadata: {name: privileged}\nspec:\n  containers:\n  - name: app\n    image: harbor.example.com/app:1.0\n    securityContext: {privileged: true, allowPrivilegeEscalation: true}\n"
	if r := e.Kubectl("create", "--dry-run=server", "-f", "-", "-n", ns).Stdin(privileged).Run(); r.Code == 0 || !strings.Contains(r.Stderr, "policy held-sec: privileged containers") {
		t.Fatalf("a privileged pod under a lowered label: exit %d: %s", r.Code, r.Stderr)
	}

	// Detach: the Apps go, then what they deployed; the namespace stays.
	e.Kubectl("tko", "cluster", "group", "detach", "held", "policy", "held-sec", "--wait", "--timeout", "2m").Success().
		StdoutContains("app.kappctrl.k14s.io/"+app+" deleted", "Pod Security labels removed from namespace(s) "+ns)
	for _, gvr := range []schema.GroupVersionResource{policy.VAPs, policy.VAPBindings} {
		within(t, 30*time.Second, gvr.Resource+" removed by kapp-controller", func() error { return gone(e, gvr, "", "tko-held-sec") })
	}
	nsObj, err := e.Dyn().Resource(policy.Namespaces).Get(context.Background(), ns, metav1.GetOptions{})
	if err != nil || nsObj.GetDeletionTimestamp() != nil {
		t.Fatalf("detach took the namespace %s with it: %v %v", ns, err, nsObj)
	}
	if l := nsObj.GetLabels()[policy.LabelEnforce]; l != "" {
		t.Fatalf("namespace %s keeps %s=%s after detach", ns, policy.LabelEnforce, l)
	}
	// The API server's admission policy informer lets go within a second or so.
	within(t, 20*time.Second, "the API server accepting the pod after detach", func() error {
		if m := podRefusal(e, ns); m != "" {
			return fmt.Errorf("still refused: %s", m)
		}
		return nil
	})
}

// TestSyncBringsJoinersAndDropsLeavers: a cluster labelled into a group
// gets the group's policy from `group sync` (kapp-controller deploys it),
// and loses it when it leaves. A member without a kubeconfig Secret is a
// status row with the fix.
func TestSyncBringsJoinersAndDropsLeavers(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	e.Kubectl("tko", "cluster", "group", "create", "joiners", "--selector", "groups.test/joiners=yes").Success().
		StderrContains(`Warning: selector "groups.test/joiners=yes" matches no workload cluster yet`)
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "joiners").Run() })
	e.Kubectl("tko", "cluster", "group", "attach", "joiners", "policy", "image-registry", "joiners-harbor", "--allow", "harbor.example.com", "--namespaces", ns, "--sync-period", "30s").Success().
		StderrContains("group joiners has no member yet")
	if err := exists(e, policy.VAPs, "", "tko-joiners-harbor"); !apierrors.IsNotFound(err) {
		t.Fatalf("a group without members deployed something: %v", err)
	}

	// wc-team-a, a workload cluster of its own (a second API server),
	// joins; wc-dev-1 (still provisioning: no kubeconfig Secret) too.
	member := workloadCluster(t, e, "team-a", "wc-team-a")
	nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}}
	if _, err := member.Resource(policy.Namespaces).Create(context.Background(), nsObj, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	label(t, e, "team-a", "wc-team-a", "groups.test/joiners", "yes")
	label(t, e, "default", "wc-dev-1", "groups.test/joiners", "yes")
	e.Kubectl("tko", "cluster", "group", "status", "joiners").ExitCode(explain.ExitFailure).
		StdoutContains("joiners\tteam-a/wc-team-a\tpolicy/joiners-harbor\tMissing\t", "kubectl tko cluster group sync joiners",
			"joiners\tdefault/wc-dev-1\t-\tNoKubeconfig\tno kubeconfig Secret default/wc-dev-1-kubeconfig")
	e.Kubectl("tko", "cluster", "group", "sync", "joiners").Success().
		StdoutContains("cluster team-a/wc-team-a: policy/joiners-harbor: app.kappctrl.k14s.io/tko-joiners-joiners-harbor-wc-team-a created").
		StderrContains("Warning: cluster default/wc-dev-1 skipped: no kubeconfig Secret default/wc-dev-1-kubeconfig")
	reconciled(t, e, "team-a", "tko-joiners-joiners-harbor-wc-team-a")
	within(t, 20*time.Second, "the policy in the member that joined", func() error {
		_, err := member.Resource(policy.VAPBindings).Get(context.Background(), "tko-joiners-harbor", metav1.GetOptions{})
		return err
	})
	if err := exists(e, policy.VAPs, "", "tko-joiners-harbor"); !apierrors.IsNotFound(err) {
		t.Fatalf("the policy landed in the management cluster too: %v", err)
	}
	e.Kubectl("tko", "cluster", "group", "sync", "joiners").Success().StdoutContains("tko-joiners-joiners-harbor-wc-team-a unchanged")

	// wc-team-a leaves: sync deletes its App, kapp-controller the policy.
	label(t, e, "team-a", "wc-team-a", "groups.test/joiners", "")
	e.Kubectl("tko", "cluster", "group", "sync", "joiners").Success().
		StdoutContains("cluster team-a/wc-team-a: policy/joiners-harbor: app.kappctrl.k14s.io/tko-joiners-joiners-harbor-wc-team-a deleted")
	within(t, time.Minute, "kapp-controller removing the policy from the member that left", func() error {
		_, err := member.Resource(policy.VAPs).Get(context.Background(), "tko-joiners-harbor", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (%w)", err)
	})
}

// workloadCluster starts a bare control plane of its own for a seeded
// workload cluster and points the cluster's kubeconfig Secret at it, for
// the test; it returns a client of that cluster.
func workloadCluster(t *testing.T, e *harness.Env, ns, name string) dynamic.Interface {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cp, err := testenv.Start(ctx, suite.Env, suite.Root, testenv.Options{Dir: filepath.Join(t.TempDir(), "cp"), Bare: true})
	if err != nil {
		t.Fatalf("starting the control plane of %s: %v", name, err)
	}
	t.Cleanup(cp.Stop)
	raw, err := os.ReadFile(cp.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.Dyn().Resource(secrets).Namespace(ns).Get(context.Background(), name+"-kubeconfig", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	old, _, _ := unstructured.NestedString(secret.Object, "data", "value")
	setKubeconfig := func(value string) error {
		patch, _ := json.Marshal(map[string]any{"data": map[string]any{"value": value}})
		_, err := e.Dyn().Resource(secrets).Namespace(ns).Patch(context.Background(), name+"-kubeconfig", types.MergePatchType, patch, metav1.PatchOptions{})
		return err
	}
	if err := setKubeconfig(base64.StdEncoding.EncodeToString(raw)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = setKubeconfig(old) })
	cfg, err := cp.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return dyn
}

// TestGroupsRefuseBadInput: a selector that does not parse, an unknown
// group, two groups attaching conflicting policies to one cluster (refused,
// naming both, nothing written).
func TestGroupsRefuseBadInput(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "cluster", "group", "create", "bad", "--selector", "a in (b").ExitCode(explain.ExitUsage).OneLineError("does not parse")
	e.Kubectl("tko", "cluster", "group", "attach", "nope", "policy", "security", "x", "--level", "baseline").ExitCode(explain.ExitNotFound).
		OneLineError(`cluster group "nope" not found`)
	e.Kubectl("tko", "cluster", "group", "status", "nope").ExitCode(explain.ExitNotFound)

	label(t, e, "default", "wc-prod-1", "groups.test/conflict-a", "yes")
	label(t, e, "default", "wc-prod-1", "groups.test/conflict-b", "yes")
	for _, g := range []string{"conflict-a", "conflict-b"} {
		e.Kubectl("tko", "cluster", "group", "create", g, "--selector", "groups.test/"+g+"=yes").Success()
		t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", g).Run() })
	}
	ns := e.Namespace()
	e.Kubectl("tko", "cluster", "group", "attach", "conflict-a", "policy", "quota", "conflict-small", "--size", "small", "--namespaces", ns).Success()
	e.Kubectl("tko", "cluster", "group", "attach", "conflict-b", "policy", "quota", "conflict-large", "--size", "large", "--namespaces", ns).ExitCode(explain.ExitUsage).
		OneLineError("cluster default/wc-prod-1 is in groups conflict-b and conflict-a: policy/conflict-large of group conflict-b conflicts with policy/conflict-small of group conflict-a")
	list, err := e.Dyn().Resource(carvel.Apps).Namespace("default").List(context.Background(), metav1.ListOptions{LabelSelector: "tko.tanzu.vmware.com/group=conflict-b"})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("a refused attach wrote Apps: %v %v", err, list)
	}
}

// TestUnreachableMemberIsReported: a member whose kubeconfig Secret points
// at an API server that does not answer fails attach in its own line
// (exit 1) while the other member gets its App; status names what is
// missing, and once the member is reachable a rerun converges.
func TestUnreachableMemberIsReported(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	raw, err := os.ReadFile(suite.CP.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cfg.Clusters {
		c.Server = "https://127.0.0.1:1"
	}
	dead, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	secret := e.Create(secrets, "default", harness.Secret("wc-dev-1-kubeconfig", map[string]string{"value": string(dead)}))
	t.Cleanup(func() {
		_ = e.Dyn().Resource(secrets).Namespace("default").Delete(context.Background(), secret.GetName(), metav1.DeleteOptions{})
	})
	label(t, e, "default", "wc-prod-1", "groups.test/reach", "yes")
	label(t, e, "default", "wc-dev-1", "groups.test/reach", "yes")
	e.Kubectl("tko", "cluster", "group", "create", "reach", "--selector", "groups.test/reach=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "reach").Run() })
	e.Kubectl("tko", "cluster", "group", "attach", "reach", "policy", "quota", "reach-small", "--size", "small", "--namespaces", ns, "--request-timeout", "5s").ExitCode(explain.ExitFailure).
		StdoutContains("cluster default/wc-prod-1: policy/reach-small: app.kappctrl.k14s.io/tko-reach-reach-small-wc-prod-1 created").
		StderrContains("error: cluster default/wc-dev-1: policy/reach-small: cannot reach the Kubernetes API server https://127.0.0.1:1", "1 change(s) failed; the others were made: rerun to converge")
	e.Kubectl("tko", "cluster", "group", "status", "reach", "--problems").ExitCode(explain.ExitFailure).
		StdoutContains("reach\tdefault/wc-dev-1\tpolicy/reach-small\tMissing\t")
	reconciled(t, e, "default", "tko-reach-reach-small-wc-prod-1")
	within(t, 20*time.Second, "the quota in the member that was reached", func() error { return exists(e, policy.Quotas, ns, "tko-reach-small") })

	// The member reachable again: a rerun converges.
	patch, _ := json.Marshal(map[string]any{"data": map[string]any{"value": base64.StdEncoding.EncodeToString(raw)}})
	if _, err := e.Dyn().Resource(secrets).Namespace("default").Patch(context.Background(), secret.GetName(), types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("tko", "cluster", "group", "sync", "reach").Success().
		StdoutContains("tko-reach-reach-small-wc-prod-1 unchanged", "cluster default/wc-dev-1: policy/reach-small: app.kappctrl.k14s.io/tko-reach-reach-small-wc-dev-1 created")

	// Here both members are the same API server: the second App finds the
	// quota the first one deployed, and kapp refuses to take it over.
	// Status says so in kapp-controller's words.
	var out string
	within(t, time.Minute, "status showing the second App failing", func() error {
		r := e.Kubectl("tko", "cluster", "group", "status", "reach", "--problems").Run()
		out = r.Stdout
		if !strings.Contains(out, "reach\tdefault/wc-dev-1\tpolicy/reach-small\tReconcileFailed\t") {
			return fmt.Errorf("not yet:\n%s", out)
		}
		return nil
	})
	if !strings.Contains(out, "kapp: Error:") || !strings.Contains(out, "kubectl get app tko-reach-reach-small-wc-dev-1 -n default -o yaml") {
		t.Fatalf("status without kapp-controller's message or the fix:\n%s", out)
	}
	t.Logf("status: %s", out)
}
