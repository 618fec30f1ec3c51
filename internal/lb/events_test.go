package lb

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
)

var fakeLists = map[schema.GroupVersionResource]string{services: "ServiceList", events: "EventList", configMaps: "ConfigMapList", statefulSets: "StatefulSetList", packageInstalls: "PackageInstallList"}

// pendingService is a Service of type LoadBalancer with no address yet.
func pendingService(ns, name, uid string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Service",
		"metadata": map[string]any{"name": name, "namespace": ns, "uid": uid}, "spec": map[string]any{"type": "LoadBalancer"}}}
}

// event is an Event on an object as a recorder writes it, age ago.
func event(kind, ns, name, uid, typ, component, reason, message string, age time.Duration) *unstructured.Unstructured {
	stamp := time.Now().Add(-age).UTC().Format(time.RFC3339)
	return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Event",
		"metadata":       map[string]any{"name": name + "." + reason + "." + stamp, "namespace": ns},
		"involvedObject": map[string]any{"kind": kind, "namespace": ns, "name": name, "uid": uid},
		"type":           typ, "reason": reason, "message": message, "count": int64(1),
		"source": map[string]any{"component": component}, "lastTimestamp": stamp}}
}

func readAndDiagnose(t *testing.T, objs ...runtime.Object) map[string]Service {
	t.Helper()
	c, err := Read(context.Background(), dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), fakeLists, objs...), "")
	if err != nil {
		t.Fatal(err)
	}
	c.Diagnose(nil)
	out := map[string]Service{}
	for _, s := range c.Services {
		out[s.Name] = s
	}
	return out
}

// TestPendingCausePrefersTheServicesEvents: what a controller wrote on the
// Service, the newest warning first, is the cause; "no controller runs"
// only when nobody reported on the Service and no controller is found.
func TestPendingCausePrefersTheServicesEvents(t *testing.T) {
	got := readAndDiagnose(t,
		pendingService("team-a", "svc-pending", "uid-1"),
		event("Service", "team-a", "svc-pending", "uid-1", "Warning", AKOComponent, "SyncError", "no free IP address in pool acc-vip (10.99.0.10-10.99.0.19)", time.Minute),
		event("Service", "team-a", "svc-pending", "uid-1", "Warning", AKOComponent, "SyncError", "an older complaint", time.Hour),
		event("Service", "team-a", "svc-pending", "uid-1", "Normal", AKOComponent, "Added", "virtual service queued", 2*time.Hour),
		pendingService("team-a", "svc-normal", "uid-2"),
		event("Service", "team-a", "svc-normal", "uid-2", "Normal", "service-controller", "EnsuringLoadBalancer", "Ensuring load balancer", time.Minute),
		pendingService("team-a", "svc-silent", "uid-3"),
		// Not about svc-silent: a Service of the same name before it, and a Pod.
		event("Service", "team-a", "svc-silent", "uid-old", "Warning", AKOComponent, "SyncError", "stale", time.Minute),
		event("Pod", "team-a", "svc-silent", "", "Warning", "kubelet", "BackOff", "a pod's", time.Minute),
	)
	for name, want := range map[string]struct{ impl, cause, fix, event string }{
		"svc-pending": {ImplAKO, "AKO reports SyncError: no free IP address in pool acc-vip (10.99.0.10-10.99.0.19)", "fix what AKO reports", "SyncError: no free IP address in pool acc-vip"},
		"svc-normal": {ImplOther, "service-controller last reported EnsuringLoadBalancer: Ensuring load balancer, and assigned no address",
			"kubectl describe service svc-normal -n team-a", "EnsuringLoadBalancer: Ensuring load balancer"},
		"svc-silent": {ImplOther, "no load-balancer controller runs in this cluster", "install AKO", ""},
	} {
		s := got[name]
		last, _ := s.LastEvent()
		if s.Implementation != want.impl || !strings.HasPrefix(s.Cause, want.cause) || !strings.Contains(s.Fix, want.fix) || !strings.HasPrefix(last.Text(), want.event) {
			t.Errorf("%s: %s | %q | %q | last event %q; want %s | %q | %q | %q", name, s.Implementation, s.Cause, s.Fix, last.Text(), want.impl, want.cause, want.fix, want.event)
		}
	}
	if n := len(got["svc-pending"].Events); n != 3 {
		t.Errorf("svc-pending: %d Events, want 3", n)
	}
}

// TestServiceEventsBeforeAKOsPod: with AKO running and a warning on its pod,
// AKO's own words on the Service still come first; without them, the pod's.
func TestServiceEventsBeforeAKOsPod(t *testing.T) {
	ako := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "StatefulSet",
		"metadata": map[string]any{"name": AKOStatefulSet, "namespace": AKONamespace},
		"spec":     map[string]any{"replicas": int64(1)}, "status": map[string]any{"readyReplicas": int64(1)}}}
	got := readAndDiagnose(t, ako,
		event("Pod", AKONamespace, AKOPod, "", "Warning", AKOComponent, "InvalidConfiguration", "vip network: no free IP address", time.Minute),
		pendingService("team-a", "told", "uid-1"),
		event("Service", "team-a", "told", "uid-1", "Warning", AKOComponent, "SyncError", "pool acc-vip exhausted", time.Hour),
		pendingService("team-a", "untold", "uid-2"),
	)
	if c := got["told"].Cause; c != "AKO reports SyncError: pool acc-vip exhausted" {
		t.Errorf("told: %q", c)
	}
	if c := got["untold"].Cause; c != "AKO reports InvalidConfiguration: vip network: no free IP address" {
		t.Errorf("untold: %q", c)
	}
}
