package groups

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/policy"
)

// TestKappHoldsPodSecurityLabels: with --hold-namespace-labels, the App
// deploys the policy's namespace (kapp adopts the existing one): a Pod
// Security label removed by hand comes back by itself within the sync
// period, and the labels and annotations others set stay. Detach: kapp
// forgets the namespace instead of deleting it, so the namespace and its
// pod are still there; the CLI removes the Pod Security labels and kapp's
// marks; the others' labels stay.
func TestKappHoldsPodSecurityLabels(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	within(t, 20*time.Second, "the default ServiceAccount of "+ns, func() error { return exists(e, serviceAccounts, ns, "default") })
	e.Kubectl("label", "namespace", ns, "team=payments").Success()
	e.Kubectl("annotate", "namespace", ns, "owner=payments-team").Success()
	e.Kubectl("run", "web", "--image=harbor.example.com/web:1.0", "-n", ns).Success()
	label(t, e, "default", "wc-prod-1", "groups.test/psa", "yes")
	e.Kubectl("tko", "cluster", "group", "create", "psa", "--selector", "groups.test/psa=yes").Success()
	t.Cleanup(func() { e.Kubectl("tko", "cluster", "group", "delete", "psa").Run() })
	e.Kubectl("tko", "cluster", "group", "attach", "psa", "policy", "security", "psa-sec", "--level", "baseline", "--namespaces", ns, "--hold-namespace-labels", "--sync-period", "30s").Success()
	app := "tko-psa-psa-sec-wc-prod-1"
	reconciled(t, e, "default", app)
	nsObj := func() *unstructured.Unstructured {
		t.Helper()
		u, err := e.Dyn().Resource(policy.Namespaces).Get(context.Background(), ns, metav1.GetOptions{})
		if err != nil || u.GetDeletionTimestamp() != nil {
			t.Fatalf("namespace %s: %v (deleting %v)", ns, err, u != nil && u.GetDeletionTimestamp() != nil)
		}
		return u
	}
	others := func(u *unstructured.Unstructured) {
		t.Helper()
		if u.GetLabels()["team"] != "payments" || u.GetAnnotations()["owner"] != "payments-team" {
			t.Fatalf("kapp dropped the namespace's own labels or annotations: %v %v", u.GetLabels(), u.GetAnnotations())
		}
	}
	if u := nsObj(); u.GetLabels()[policy.LabelEnforce] != "baseline" || u.GetLabels()["kapp.k14s.io/app"] == "" {
		t.Fatalf("kapp does not hold the namespace: %v", u.GetLabels())
	}
	others(nsObj())

	// Drift: the label removed by hand comes back, without a group sync.
	e.Kubectl("label", "namespace", ns, policy.LabelEnforce+"-").Success()
	start := time.Now()
	within(t, 90*time.Second, "kapp-controller putting the Pod Security label back", func() error {
		if l := nsObj().GetLabels()[policy.LabelEnforce]; l != "baseline" {
			return fmt.Errorf("%s=%q", policy.LabelEnforce, l)
		}
		return nil
	})
	t.Logf("kapp-controller put the label back after %s", time.Since(start).Round(time.Second))
	// A label set by someone else meanwhile stays through kapp's syncs.
	e.Kubectl("label", "namespace", ns, "cost-center=42").Success()
	time.Sleep(35 * time.Second)
	if nsObj().GetLabels()["cost-center"] != "42" {
		t.Fatal("kapp's sync removed a label set by someone else")
	}
	others(nsObj())

	e.Kubectl("tko", "cluster", "group", "detach", "psa", "policy", "psa-sec", "--wait", "--timeout", "2m").Success().
		StdoutContains("app.kappctrl.k14s.io/"+app+" deleted", "Pod Security labels removed from namespace(s) "+ns)
	time.Sleep(2 * time.Second)
	u := nsObj()
	others(u)
	for k := range u.GetLabels() {
		if strings.HasPrefix(k, "pod-security.kubernetes.io/") || strings.HasPrefix(k, "kapp.k14s.io/") || k == policy.LabelPolicy {
			t.Errorf("namespace %s keeps label %s after detach", ns, k)
		}
	}
	for k := range u.GetAnnotations() {
		if strings.HasPrefix(k, "kapp.k14s.io/") {
			t.Errorf("namespace %s keeps annotation %s after detach", ns, k)
		}
	}
	if err := exists(e, pods, ns, "web"); err != nil {
		t.Fatalf("detach took the pod with it: %v", err)
	}
}

var pods = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
