package seed

// observeObjects: what `kubectl tko observe health` and `capacity` read on
// the management cluster: its two nodes (as their kubelets report them)
// and Fluent Bit's pods, one of them crash-looping after running out of
// memory, with the kubelet's BackOff event.
func observeObjects() []map[string]any {
	const ns = "tanzu-system-logging"
	node := func(name string, cpu, memory string, role map[string]any) map[string]any {
		alloc := map[string]any{"cpu": cpu, "memory": memory, "pods": "110"}
		return obj("v1", "Node", "", name, role, map[string]any{
			"status": map[string]any{"allocatable": alloc, "capacity": alloc,
				"conditions": []any{cond("Ready", "True", "KubeletReady", "kubelet is posting ready status", 90),
					cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available", 90)}},
		})
	}
	pod := func(name, nodeName string, status map[string]any) map[string]any {
		return obj("v1", "Pod", ns, name, map[string]any{"app.kubernetes.io/name": "fluent-bit"}, map[string]any{
			"spec": map[string]any{"nodeName": nodeName, "automountServiceAccountToken": false, "containers": []any{map[string]any{
				"name": "fluent-bit", "image": "projects.registry.vmware.com/tkg/fluent-bit:v2.1.6_vmware.1",
				"resources": map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"}, "limits": map[string]any{"memory": "256Mi"}}}}},
			"status": status,
		})
	}
	running := map[string]any{"phase": "Running", "podIP": "100.96.1.12",
		"conditions":        []any{cond("Ready", "True", "", "", 60)},
		"containerStatuses": []any{map[string]any{"name": "fluent-bit", "ready": true, "restartCount": 0, "image": "fluent-bit", "imageID": "", "state": map[string]any{"running": map[string]any{}}}}}
	crashing := map[string]any{"phase": "Running", "podIP": "100.96.0.7",
		"conditions": []any{cond("Ready", "False", "ContainersNotReady", "containers with unready status: [fluent-bit]", 20)},
		"containerStatuses": []any{map[string]any{"name": "fluent-bit", "ready": false, "restartCount": 14, "image": "fluent-bit", "imageID": "",
			"state":     map[string]any{"waiting": map[string]any{"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=fluent-bit"}},
			"lastState": map[string]any{"terminated": map[string]any{"reason": "OOMKilled", "exitCode": 137}}}}}
	return []map[string]any{
		node("tkg-mgmt-control-plane-7xk2p", "2", "8Gi", map[string]any{"node-role.kubernetes.io/control-plane": ""}),
		node("tkg-mgmt-md-0-5d9f8-qw2lx", "4", "16Gi", nil),
		obj("v1", "Namespace", "", ns, nil, nil),
		obj("v1", "ServiceAccount", ns, "default", nil, nil),
		pod("fluent-bit-8m4zt", "tkg-mgmt-md-0-5d9f8-qw2lx", running),
		pod("fluent-bit-x7k2q", "tkg-mgmt-control-plane-7xk2p", crashing),
		obj("v1", "Event", ns, "fluent-bit-x7k2q.seed-backoff", nil, map[string]any{
			"involvedObject": map[string]any{"kind": "Pod", "namespace": ns, "name": "fluent-bit-x7k2q"},
			"reason":         "BackOff", "type": "Warning", "count": 14, "message": "Back-off restarting failed container fluent-bit in pod fluent-bit-x7k2q",
			"source": map[string]any{"component": "kubelet", "host": "tkg-mgmt-control-plane-7xk2p"},
		}),
	}
}
