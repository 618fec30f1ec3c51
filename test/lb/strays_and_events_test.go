package lb

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/lb"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var events = schema.GroupVersionResource{Version: "v1", Resource: "events"}

// loadBalancer creates a Service of type LoadBalancer and, given ingress
// entries, writes them through the status subresource as a load-balancer
// controller does. It is deleted when the test ends, so no later test
// sees it while its namespace goes.
func loadBalancer(t *testing.T, e *harness.Env, ns, name, class string, ingress ...map[string]any) *unstructured.Unstructured {
	t.Helper()
	spec := map[string]any{"type": "LoadBalancer", "ports": []any{map[string]any{"port": int64(80)}}}
	if class != "" {
		spec["loadBalancerClass"] = class
	}
	ctx, client := context.Background(), e.Dyn().Resource(services).Namespace(ns)
	u, err := client.Create(ctx, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name}, "spec": spec}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Delete(context.Background(), name, metav1.DeleteOptions{}) })
	if len(ingress) == 0 {
		return u
	}
	list := make([]any, len(ingress))
	for i, in := range ingress {
		list[i] = in
	}
	u.Object["status"] = map[string]any{"loadBalancer": map[string]any{"ingress": list}}
	if u, err = client.UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	return u
}

// recordEvent writes an Event on an object as a controller's recorder does.
func recordEvent(t *testing.T, e *harness.Env, on *unstructured.Unstructured, kind, typ, component, reason, message string, age time.Duration) {
	t.Helper()
	stamp := time.Now().Add(-age).UTC().Format(time.RFC3339)
	ev := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Event",
		"metadata":       map[string]any{"generateName": on.GetName() + "."},
		"involvedObject": map[string]any{"apiVersion": "v1", "kind": kind, "namespace": on.GetNamespace(), "name": on.GetName(), "uid": string(on.GetUID())},
		"type":           typ, "reason": reason, "message": message, "count": int64(1),
		"source": map[string]any{"component": component}, "firstTimestamp": stamp, "lastTimestamp": stamp}}
	if _, err := e.Dyn().Resource(events).Namespace(on.GetNamespace()).Create(context.Background(), ev, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// doctorFindings runs lb doctor -o json and returns its findings a line
// each: "severity | object | cause | fix".
func doctorFindings(t *testing.T, e *harness.Env, code int, args ...string) string {
	t.Helper()
	r := e.Kubectl(append([]string{"tko", "lb", "doctor", "-o", "json"}, args...)...).ExitCode(code)
	var report struct{ Findings []lb.Finding }
	if err := json.Unmarshal([]byte(r.Stdout), &report); err != nil {
		t.Fatalf("-o json: %v\n%s", err, r.Stdout)
	}
	text := ""
	for _, f := range report.Findings {
		text += f.Severity + " | " + f.Object + " | " + f.Cause + " | " + f.Fix + "\n"
	}
	return text
}

// contains fails the test for each wanted piece the findings lack.
func contains(t *testing.T, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("findings lack %q:\n%s", w, text)
		}
	}
}

// TestDoctorAddressesInNoPool: addresses written as a controller writes
// them are compared with the ADC data networks and kube-vip's pools; one in
// none is a warning naming the Service, the address and the pools, an error
// when two Services hold it; an address in a pool, a hostname and a
// pending Service say nothing.
func TestDoctorAddressesInNoPool(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	ip := func(a string) map[string]any { return map[string]any{"ip": a} }
	loadBalancer(t, e, ns, "svc-outside", "", ip("10.98.0.6"))
	loadBalancer(t, e, ns, "svc-twice-a", "", ip("10.98.0.7"))
	loadBalancer(t, e, ns, "svc-twice-b", "", ip("10.98.0.7"))
	loadBalancer(t, e, ns, "svc-v6", "", ip("fd00:98::6"))
	loadBalancer(t, e, ns, "svc-in", "", ip("10.20.8.40"))
	loadBalancer(t, e, ns, "svc-hostname", "", map[string]any{"hostname": "lb.tko.example.com"})
	loadBalancer(t, e, ns, "svc-other-class", "metallb.io/metallb", ip("192.168.77.1"))

	text := doctorFindings(t, e, explain.ExitFailure, "-n", ns)
	contains(t, text,
		"warning | service/svc-outside -n "+ns+" | address 10.98.0.6 lies in no pool: compared with kubevip cidr-global (10.20.30.0/30), ",
		"adc/install-ako-for-all dataNetwork tkg-vip-pg (10.20.8.0/24)",
		"error | service/svc-twice-a -n "+ns+" | address 10.98.0.7 lies in no pool",
		"; also held by "+ns+"/svc-twice-b | ",
		"error | address 10.98.0.7 | held by several Services",
		"warning | service/svc-v6 -n "+ns+" | address fd00:98::6 lies in no pool",
		"--show-managed-fields")
	for _, quiet := range []string{"svc-in ", "svc-hostname ", "svc-other-class "} {
		if strings.Contains(text, "service/"+quiet) {
			t.Errorf("%s: a finding it should not have:\n%s", quiet, text)
		}
	}
}

// TestPendingCauseFromTheServicesEvents: a controller's Events on the
// Service (AKO writes them there since 1.6.1) are the cause of a pending
// Service before AKO's pod warning, the newest first; a controller that
// reported without a warning is named instead of "no controller runs";
// -o wide shows the newest Event.
func TestPendingCauseFromTheServicesEvents(t *testing.T) {
	e := suite.New(t)
	ns := e.Namespace()
	pending := loadBalancer(t, e, ns, "svc-pending", "")
	recordEvent(t, e, pending, "Service", "Warning", lb.AKOComponent, "SyncError", "no free IP address in pool acc-vip (10.99.0.10-10.99.0.19)", time.Minute)
	recordEvent(t, e, pending, "Service", "Warning", lb.AKOComponent, "SyncError", "an older complaint", time.Hour)
	recordEvent(t, e, pending, "Pod", "Warning", "kubelet", "BackOff", "a Pod of the same name", 0)
	quiet := loadBalancer(t, e, ns, "svc-other", "example.com/other-lb")
	recordEvent(t, e, quiet, "Service", "Normal", "other-lb-controller", "EnsuringLoadBalancer", "Ensuring load balancer", time.Minute)

	e.Kubectl("tko", "lb", "services", "-n", ns, "-o", "wide").Success().StdoutContains(
		"svc-pending\tAKO\t-\t<pending>\t",
		"\t-\tSyncError: no free IP address in pool acc-vip (10.99.0.10-10.99.0.19)\tAKO reports SyncError: no free IP address in pool acc-vip (10.99.0.10-10.99.0.19)\tfix what AKO reports",
		"svc-other\tother\t-\t<pending>\t",
		"\texample.com/other-lb\tEnsuringLoadBalancer: Ensuring load balancer\tother-lb-controller last reported EnsuringLoadBalancer: Ensuring load balancer, and assigned no address\t")
	text := doctorFindings(t, e, explain.ExitFailure, "-n", ns)
	contains(t, text,
		"error | service/svc-pending -n "+ns+" | LoadBalancer pending: AKO reports SyncError: no free IP address in pool acc-vip (10.99.0.10-10.99.0.19) | ",
		"error | service/svc-other -n "+ns+" | LoadBalancer pending: other-lb-controller last reported EnsuringLoadBalancer")
	if strings.Contains(text, "no load-balancer controller runs") || strings.Contains(text, "BackOff") {
		t.Errorf("findings:\n%s", text)
	}
}
