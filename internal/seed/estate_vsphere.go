package seed

// The vSphere with Tanzu part of the estate: vSphere namespaces of a
// Supervisor with their VM classes, storage quotas and
// TanzuKubernetesClusters. No Supervisor runs here, so each status is
// written as its controllers would: the TKC controller's phase and
// conditions, the ResourceQuota's usage as the quota controller counts it
// from the namespace's claims.

// VSphereNamespace is the vSphere 8 namespace of the estate; vsphere-ns-1
// (tkc-guest-1) is a vSphere 7 one whose VM classes come from bindings.
const VSphereNamespace = "vsphere-team-a"

// LabelVSphereCluster is the label the Supervisor puts on the namespaces
// it makes for vSphere namespaces: the vSphere cluster they run on.
const LabelVSphereCluster = "vSphereClusterID"

// VSphereTKRs are the TanzuKubernetesReleases the Supervisor offers its
// TanzuKubernetesClusters, oldest first: the last is not compatible.
var VSphereTKRs = []struct{ Name, Version string }{
	{"v1.26.5---vmware.2-fips.1-tkg.1", "v1.26.5+vmware.2-fips.1"},
	{"v1.27.11---vmware.1-fips.1-tkg.2", "v1.27.11+vmware.1-fips.1"},
	{"v1.28.8---vmware.1-fips.1-tkg.2", "v1.28.8+vmware.1-fips.1"},
}

// StorageClasses of vsphere-team-a's quota: class → hard limit, and what
// its claims request.
var StorageClasses = []struct{ Name, Hard, Used string }{
	{"vsan-default-storage-policy", "1Ti", "200Gi"},
	{"tanzu-gold", "500Gi", "120Gi"},
}

func quotaKey(class string) string { return class + ".storageclass.storage.k8s.io/requests.storage" }

func vsphereObjects() []map[string]any {
	var out []map[string]any
	for i, t := range VSphereTKRs {
		o := tkr(t.Name, t.Version)
		conds := []any{cond("Ready", "True", "", "", 1440), cond("Compatible", "True", "", "", 1440)}
		switch i {
		case 0:
			conds = append(conds, cond("UpdatesAvailable", "True", "", "[v1.27.11+vmware.1-fips.1-tkg.2]", 1440))
		case len(VSphereTKRs) - 1:
			conds[1] = cond("Compatible", "False", "IncompatibleSupervisor",
				"TanzuKubernetesRelease "+t.Name+" needs Supervisor v8.0.3 or later; this Supervisor runs v8.0.2", 1440)
		}
		o["status"] = map[string]any{"conditions": conds}
		out = append(out, o)
	}
	out = append(out, obj("v1", "Namespace", "", VSphereNamespace, map[string]any{LabelVSphereCluster: "domain-c8"}, nil))
	for _, c := range []struct {
		name   string
		cpus   int
		memory string
	}{{"best-effort-small", 2, "4Gi"}, {"best-effort-medium", 2, "8Gi"}, {"guaranteed-large", 4, "16Gi"}} {
		out = append(out, obj("vmoperator.vmware.com/v1alpha3", "VirtualMachineClass", VSphereNamespace, c.name, nil,
			map[string]any{"spec": map[string]any{"hardware": map[string]any{"cpus": c.cpus, "memory": c.memory}}}))
	}
	hard, used := map[string]any{}, map[string]any{}
	for _, s := range StorageClasses {
		hard[quotaKey(s.Name)], used[quotaKey(s.Name)] = s.Hard, s.Used
	}
	out = append(out, obj("v1", "ResourceQuota", VSphereNamespace, VSphereNamespace+"-storagequota", nil, map[string]any{
		"spec": map[string]any{"hard": hard}, "status": map[string]any{"hard": hard, "used": used}}))
	for i, claim := range []string{"postgres-data-0", "registry-data"} {
		s := StorageClasses[i]
		out = append(out, obj("v1", "PersistentVolumeClaim", VSphereNamespace, claim, nil, map[string]any{
			"spec": map[string]any{"storageClassName": s.Name, "accessModes": []any{"ReadWriteOnce"},
				"resources": map[string]any{"requests": map[string]any{"storage": s.Used}}},
			// As the CSI driver leaves it once vSphere has made the volume.
			"status": map[string]any{"phase": "Bound", "accessModes": []any{"ReadWriteOnce"}, "capacity": map[string]any{"storage": s.Used}},
		}))
	}
	out = append(out, tkcObject("tkc-prod-1", 3, []any{tkcPool("np-1", 3, "best-effort-medium")}, "v1.26.5---vmware.2-fips.1-tkg.1", map[string]any{
		"phase": "running", "version": "v1.26.5+vmware.2-fips.1", "totalWorkerReplicas": 3,
		"apiEndpoints": []any{map[string]any{"host": "10.30.0.11", "port": 6443}},
		"conditions": []any{cond("Ready", "True", "", "", 1800), cond("ControlPlaneReady", "True", "", "", 1800),
			cond("NodePoolsReady", "True", "", "", 1800), cond("TanzuKubernetesReleaseCompatible", "True", "", "", 1800),
			cond("UpdatesAvailable", "True", "", "[v1.27.11+vmware.1-fips.1-tkg.2]", 1800)},
	}))
	short := "1 of 2 machines of node pool np-gpu are ready: VirtualMachine tkc-dev-1-np-gpu-8dk2q is powering on"
	out = append(out, tkcObject("tkc-dev-1", 1, []any{tkcPool("np-1", 2, "best-effort-small"), tkcPool("np-gpu", 2, "guaranteed-large")}, "v1.27.11---vmware.1-fips.1-tkg.2", map[string]any{
		"phase": "updating", "version": "v1.27.11+vmware.1-fips.1", "totalWorkerReplicas": 3,
		"apiEndpoints": []any{map[string]any{"host": "10.30.0.12", "port": 6443}},
		"conditions": []any{cond("Ready", "False", "NodePoolsNotReady", short, 15), cond("ControlPlaneReady", "True", "", "", 60),
			cond("NodePoolsReady", "False", "NodePoolsNotReady", short, 15), cond("TanzuKubernetesReleaseCompatible", "True", "", "", 60)},
	}))
	// vsphere-ns-1 is a vSphere 7 namespace: its VM classes are bound to it.
	for _, c := range []string{"best-effort-medium", "best-effort-large"} {
		out = append(out, obj("vmoperator.vmware.com/v1alpha1", "VirtualMachineClassBinding", "vsphere-ns-1", c, nil, map[string]any{
			"classRef": map[string]any{"apiVersion": "vmoperator.vmware.com/v1alpha1", "kind": "VirtualMachineClass", "name": c}}))
	}
	nsOneHard := map[string]any{quotaKey("vsan-default-storage-policy"): "2Ti"}
	out = append(out, obj("v1", "ResourceQuota", "vsphere-ns-1", "vsphere-ns-1-storagequota", nil, map[string]any{
		"spec": map[string]any{"hard": nsOneHard}, "status": map[string]any{"hard": nsOneHard, "used": map[string]any{quotaKey("vsan-default-storage-policy"): "0"}}}))
	return out
}

func tkcPool(name string, replicas int, vmClass string) map[string]any {
	return map[string]any{"name": name, "replicas": replicas, "vmClass": vmClass, "storageClass": "vsan-default-storage-policy"}
}

func tkcObject(name string, controlPlane int, pools []any, tkrName string, status map[string]any) map[string]any {
	ref := map[string]any{"reference": map[string]any{"name": tkrName}}
	for _, p := range pools {
		p.(map[string]any)["tkr"] = ref
	}
	return obj("run.tanzu.vmware.com/v1alpha3", "TanzuKubernetesCluster", VSphereNamespace, name, nil, map[string]any{
		"metadata": map[string]any{"name": name, "namespace": VSphereNamespace,
			"annotations": map[string]any{"run.tanzu.vmware.com/resolve-os-image": "os-name=ubuntu"}},
		"spec": map[string]any{
			"topology": map[string]any{
				"controlPlane": map[string]any{"replicas": controlPlane, "vmClass": "best-effort-small", "storageClass": "vsan-default-storage-policy", "tkr": ref},
				"nodePools":    pools,
			},
			"settings": map[string]any{
				"network": map[string]any{"cni": map[string]any{"name": "antrea"},
					"pods": map[string]any{"cidrBlocks": []any{"192.168.0.0/16"}}, "services": map[string]any{"cidrBlocks": []any{"10.96.0.0/12"}}},
				"storage": map[string]any{"defaultClass": "vsan-default-storage-policy"},
			},
		},
		"status": status,
	})
}
