package observe

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/observe"
)

var (
	gvrNodes       = schema.GroupVersionResource{Version: "v1", Resource: "nodes"}
	gvrEvents      = schema.GroupVersionResource{Version: "v1", Resource: "events"}
	gvrPVCs        = schema.GroupVersionResource{Version: "v1", Resource: "persistentvolumeclaims"}
	gvrDeployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}
	gvrInstalls    = schema.GroupVersionResource{Group: "packaging.carvel.dev", Version: "v1alpha1", Resource: "packageinstalls"}
)

var (
	workloadOnce sync.Once
	workloadNS   string
)

// workloads creates, once for the package, two nodes (worker-1 Ready with
// 4 CPUs and 8Gi, worker-2 NotReady under memory pressure) and a namespace
// with a running pod, a crash-looping one, one no node runs, BackOff
// events, a pending PVC and a failing PackageInstall; statuses written as
// the kubelet, the scheduler and kapp-controller would.
func workloads(t *testing.T) string {
	t.Helper()
	workloadOnce.Do(func() {
		ctx := context.Background()
		dyn := suite.Dyn
		must := func(u *unstructured.Unstructured, err error) *unstructured.Unstructured {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		withStatus := func(gvr schema.GroupVersionResource, ns string, obj map[string]any) {
			t.Helper()
			status := obj["status"]
			u := must(dyn.Resource(gvr).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{}))
			u.Object["status"] = status
			must(dyn.Resource(gvr).Namespace(ns).UpdateStatus(ctx, u, metav1.UpdateOptions{}))
		}
		now := time.Now().UTC().Format(time.RFC3339)
		cond := func(typ, status, reason, msg string) map[string]any {
			return map[string]any{"type": typ, "status": status, "reason": reason, "message": msg, "lastHeartbeatTime": now, "lastTransitionTime": now}
		}
		alloc := map[string]any{"cpu": "4", "memory": "8Gi", "pods": "110"}
		withStatus(gvrNodes, "", map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "worker-1"},
			"status": map[string]any{"allocatable": alloc, "capacity": alloc, "conditions": []any{cond("Ready", "True", "KubeletReady", "kubelet is posting ready status")}}})
		withStatus(gvrNodes, "", map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "worker-2"},
			"status": map[string]any{"allocatable": alloc, "capacity": alloc, "conditions": []any{
				cond("Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status."),
				cond("MemoryPressure", "True", "KubeletHasInsufficientMemory", "kubelet has insufficient memory available")}}})

		e := suite.New(t)
		ns := e.Namespace()
		workloadNS = ns
		pod := func(name, node string, req, lim map[string]any, status map[string]any) {
			spec := map[string]any{"containers": []any{map[string]any{"name": "app", "image": "registry.example/app:1", "resources": map[string]any{"requests": req, "limits": lim}}}}
			if node != "" {
				spec["nodeName"] = node
			}
			withStatus(gvrPods, ns, map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": name}, "spec": spec, "status": status})
		}
		pod("web-1", "worker-1", map[string]any{"cpu": "500m", "memory": "1Gi"}, map[string]any{"cpu": "1", "memory": "2Gi"}, map[string]any{"phase": "Running",
			"conditions":        []any{map[string]any{"type": "Ready", "status": "True"}},
			"containerStatuses": []any{map[string]any{"name": "app", "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": map[string]any{"running": map[string]any{}}}}})
		pod("crash", "worker-1", map[string]any{"cpu": "250m", "memory": "256Mi"}, nil, map[string]any{"phase": "Running",
			"conditions": []any{map[string]any{"type": "Ready", "status": "False"}},
			"containerStatuses": []any{map[string]any{"name": "app", "ready": false, "restartCount": 7, "image": "x", "imageID": "",
				"state":     map[string]any{"waiting": map[string]any{"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container"}},
				"lastState": map[string]any{"terminated": map[string]any{"reason": "Error", "exitCode": 1}}}}})
		pod("pending", "", map[string]any{"cpu": "100m", "memory": "128Mi"}, nil, map[string]any{"phase": "Pending"})
		for i, count := range []int64{2, 3} {
			must(dyn.Resource(gvrEvents).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Event",
				"metadata":       map[string]any{"name": "crash.backoff-" + string(rune('a'+i))},
				"involvedObject": map[string]any{"kind": "Pod", "namespace": ns, "name": "crash"},
				"reason":         "BackOff", "type": "Warning", "count": count, "message": "Back-off restarting failed container app",
				"firstTimestamp": now, "lastTimestamp": now, "source": map[string]any{"component": "kubelet"}}}, metav1.CreateOptions{}))
		}
		must(dyn.Resource(gvrPVCs).Namespace(ns).Create(ctx, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
			"metadata": map[string]any{"name": "data"},
			"spec":     map[string]any{"storageClassName": "fast", "accessModes": []any{"ReadWriteOnce"}, "resources": map[string]any{"requests": map[string]any{"storage": "1Gi"}}}}}, metav1.CreateOptions{}))
		withStatus(gvrInstalls, ns, map[string]any{"apiVersion": "packaging.carvel.dev/v1alpha1", "kind": "PackageInstall", "metadata": map[string]any{"name": "broken"},
			"spec": map[string]any{"serviceAccountName": "x", "packageRef": map[string]any{"refName": "broken.tko.dev", "versionSelection": map[string]any{"constraints": "1.0.0"}}},
			"status": map[string]any{"observedGeneration": int64(1), "friendlyDescription": "Reconcile failed", "usefulErrorMessage": "ytt: Error: undefined variable: replicas\nin template values.yaml",
				"conditions": []any{map[string]any{"type": "ReconcileFailed", "status": "True"}}}})
	})
	return workloadNS
}

// TestHealthFindsWhatIsWrong: every kind of finding, the worst first, exit
// 1; JSON for scripts; a fleet of contexts with one that may not read.
func TestHealthFindsWhatIsWrong(t *testing.T) {
	ns := workloads(t)
	e := suite.New(t)
	dep := e.Namespace()
	e.Create(gvrDeployments, dep, &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "api"},
		"spec": map[string]any{"replicas": int64(2), "selector": map[string]any{"matchLabels": map[string]any{"app": "api"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "api"}}, "spec": map[string]any{"containers": []any{map[string]any{"name": "api", "image": "registry.example/api:1"}}}}}}})

	r := e.Kubectl("tko", "observe", "health", "-n", ns).ExitCode(explain.ExitFailure)
	r.StdoutContains("unhealthy: nodes 3/4 ready, pods 1/3 running, readyz ",
		"SEVERITY\tAREA\tNAMESPACE\tNAME\tREASON\tMESSAGE",
		"error\tnode\t-\tworker-2\tNotReady\tKubelet stopped posting node status.",
		"error\tpackage\t"+ns+"\tbroken\tReconcileFailed\tytt: Error: undefined variable: replicas in template values.yaml",
		"error\tpod\t"+ns+"\tcrash\tCrashLoopBackOff\tcontainer app: last terminated Error (exit code 1), 7 restarts",
		"error\tpod\t"+ns+"\tpending\tUnscheduled\tnot scheduled to any node",
		"warning\tevent\t-\t"+ns+"/pod/crash\tBackOff\tBack-off restarting failed container app",
		"warning\tnode\t-\tworker-2\tMemoryPressure\tkubelet has insufficient memory available",
		"warning\tpvc\t"+ns+"\tdata\tPending\tnot bound (StorageClass fast)")
	e.Kubectl("tko", "observe", "health", "-n", ns, "-o", "wide").ExitCode(explain.ExitFailure).StdoutContains("BackOff\t5\tBack-off")

	r = e.Kubectl("tko", "observe", "health", "-A", "-o", "json").ExitCode(explain.ExitFailure)
	var h observe.Health
	if err := json.Unmarshal([]byte(r.Stdout), &h); err != nil {
		t.Fatalf("-o json: %v\n%s", err, r.Stdout)
	}
	found := map[string]bool{}
	for _, f := range h.Findings {
		found[f.Area+"/"+f.Namespace+"/"+f.Name+"/"+f.Reason] = true
	}
	for _, want := range []string{"workload/" + dep + "/deployment/api/ShortOfReplicas", "package/tanzu-packages/prometheus/ReconcileFailed", "pod/" + ns + "/crash/CrashLoopBackOff",
		"pod/tanzu-system-logging/fluent-bit-x7k2q/CrashLoopBackOff"} {
		if !found[want] {
			t.Errorf("-A -o json: no finding %s in %+v", want, h.Findings)
		}
	}
	if !h.Management || h.Checks == 0 || h.Errors == 0 {
		t.Errorf("-A -o json: %+v", h)
	}

	r = e.Kubectl("tko", "observe", "health", "-n", ns, "--context", "tko-local,tko-local-viewer").ExitCode(explain.ExitFailure)
	r.StdoutContains("== tko-local\nunhealthy: ", "== tko-local-viewer\nunreachable: forbidden: user \"tko-viewer\" may not list")
	e.Kubectl("tko", "observe", "health", "--fail-on", "never").ExitCode(explain.ExitUsage).StderrContains("--fail-on must be error or warning")
}

// TestCapacityWithoutMetrics: requests and limits against each node's
// allocatable, the pod no node runs in its own row, the top consumers;
// without metrics.k8s.io, a note.
func TestCapacityWithoutMetrics(t *testing.T) {
	ns := workloads(t)
	e := suite.New(t)
	r := e.Kubectl("tko", "observe", "capacity", "-n", ns).Success()
	r.StdoutContains("NODE\tPODS\tCPU REQ\tCPU LIM\tCPU ALLOC\tCPU REQ%\tMEM REQ\tMEM LIM\tMEM ALLOC\tMEM REQ%",
		"<unscheduled>\t1\t100m\t0\t-\t-\t128Mi\t0\t-\t-",
		"worker-1\t2\t750m\t1\t4\t18%\t1280Mi\t2Gi\t8Gi\t15%",
		"worker-2\t0\t0\t0\t4\t0%\t0\t0\t8Gi\t0%",
		"total\t3\t850m\t1\t14\t6%\t1408Mi\t2Gi\t40Gi\t3%",
		"TOP PODS\tNODE\tCPU REQ\tMEM REQ", ns+"/web-1\tworker-1\t500m\t1Gi").
		StderrContains("metrics.k8s.io is not served: requests and limits only")
	e.Kubectl("tko", "observe", "capacity", "-n", ns, "--by", "namespace").Success().
		StdoutContains("NAMESPACE\tPODS\tCPU REQ\tCPU LIM\tMEM REQ\tMEM LIM", ns+"\t3\t850m\t1\t1408Mi\t2Gi")
	r = e.Kubectl("tko", "observe", "capacity", "-n", ns, "-o", "json").Success()
	var c observe.Capacity
	if err := json.Unmarshal([]byte(r.Stdout), &c); err != nil || c.Total.Requests.CPU != 850 || c.MetricsServed || len(c.Top) != 3 {
		t.Errorf("-o json: %v %+v", err, c)
	}
	e.Kubectl("tko", "observe", "capacity", "--by", "pod").ExitCode(explain.ExitUsage).StderrContains("--by must be node or namespace")
}
