package tkg

import (
	"encoding/json"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// vsphere is the least a flat configuration needs on vSphere.
func vsphere(extra map[string]any) map[string]any {
	m := map[string]any{
		"CLUSTER_NAME": "wc-1", "VSPHERE_SERVER": "vcsa", "VSPHERE_DATACENTER": "/dc", "VSPHERE_DATASTORE": "/ds",
		"VSPHERE_NETWORK": "/net", "VSPHERE_RESOURCE_POOL": "/rp", "VSPHERE_FOLDER": "/f", "VSPHERE_CONTROL_PLANE_ENDPOINT": "10.0.0.10",
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

func field(t *testing.T, u *unstructured.Unstructured, path ...string) any {
	t.Helper()
	v, _, err := unstructured.NestedFieldNoCopy(u.Object, path...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func variable(u *unstructured.Unstructured, name string) any {
	vars, _, _ := unstructured.NestedSlice(u.Object, "spec", "topology", "variables")
	for _, v := range vars {
		if m := v.(map[string]any); m["name"] == name {
			return m["value"]
		}
	}
	return nil
}

func TestFlatConfigMapping(t *testing.T) {
	for _, tt := range []struct {
		name  string
		vars  map[string]any
		check func(t *testing.T, u *unstructured.Unstructured)
	}{
		{"dev plan: one control-plane machine, one worker", vsphere(nil), func(t *testing.T, u *unstructured.Unstructured) {
			if cp := field(t, u, "spec", "topology", "controlPlane", "replicas"); cp != int64(1) {
				t.Errorf("control plane %v", cp)
			}
			mds := field(t, u, "spec", "topology", "workers", "machineDeployments").([]any)
			if len(mds) != 1 || mds[0].(map[string]any)["replicas"] != int64(1) || mds[0].(map[string]any)["class"] != "tkg-worker" {
				t.Errorf("workers %v", mds)
			}
			if u.GetNamespace() != "default" || u.GetAnnotations()["tkg/plan"] != "dev" {
				t.Errorf("namespace %q, annotations %v", u.GetNamespace(), u.GetAnnotations())
			}
			if cidr := field(t, u, "spec", "clusterNetwork", "pods", "cidrBlocks"); cidr.([]any)[0] != "100.96.0.0/11" {
				t.Errorf("pods %v", cidr)
			}
		}},
		{"prod plan: three and three", vsphere(map[string]any{"CLUSTER_PLAN": "prod"}), func(t *testing.T, u *unstructured.Unstructured) {
			mds := field(t, u, "spec", "topology", "workers", "machineDeployments").([]any)
			if cp := field(t, u, "spec", "topology", "controlPlane", "replicas"); cp != int64(3) || mds[0].(map[string]any)["replicas"] != int64(3) {
				t.Errorf("control plane %v, workers %v", cp, mds)
			}
		}},
		{"counts override the plan", vsphere(map[string]any{"CLUSTER_PLAN": "prod", "CONTROL_PLANE_MACHINE_COUNT": 5, "WORKER_MACHINE_COUNT": "7"}), func(t *testing.T, u *unstructured.Unstructured) {
			mds := field(t, u, "spec", "topology", "workers", "machineDeployments").([]any)
			if cp := field(t, u, "spec", "topology", "controlPlane", "replicas"); cp != int64(5) || mds[0].(map[string]any)["replicas"] != int64(7) {
				t.Errorf("control plane %v, workers %v", cp, mds)
			}
		}},
		{"prodcc spreads three pools over the zones", vsphere(map[string]any{"CLUSTER_PLAN": "prodcc", "VSPHERE_AZ_0": "az-0", "VSPHERE_AZ_1": "az-1", "VSPHERE_AZ_2": "az-2", "WORKER_MACHINE_COUNT_1": 2}), func(t *testing.T, u *unstructured.Unstructured) {
			mds := field(t, u, "spec", "topology", "workers", "machineDeployments").([]any)
			if len(mds) != 3 {
				t.Fatalf("pools %v", mds)
			}
			md1 := mds[1].(map[string]any)
			if md1["name"] != "md-1" || md1["failureDomain"] != "az-1" || md1["replicas"] != int64(2) {
				t.Errorf("md-1 %v", md1)
			}
			if u.GetAnnotations()["tkg/plan"] != "prod" {
				t.Errorf("plan annotation %v", u.GetAnnotations())
			}
		}},
		{"Windows workers", vsphere(map[string]any{"IS_WINDOWS_WORKLOAD_CLUSTER": true}), func(t *testing.T, u *unstructured.Unstructured) {
			mds := field(t, u, "spec", "topology", "workers", "machineDeployments").([]any)
			if mds[0].(map[string]any)["class"] != "tkg-worker-windows" {
				t.Errorf("class %v", mds[0])
			}
		}},
		{"OS_NAME resolves the OS image on every machine", vsphere(map[string]any{"OS_NAME": "ubuntu"}), func(t *testing.T, u *unstructured.Unstructured) {
			want := "image-type=ova,os-name=ubuntu"
			if a := field(t, u, "spec", "topology", "controlPlane", "metadata", "annotations", "run.tanzu.vmware.com/resolve-os-image"); a != want {
				t.Errorf("control plane annotation %v", a)
			}
		}},
		{"vSphere inventory and endpoint become variables", vsphere(nil), func(t *testing.T, u *unstructured.Unstructured) {
			vc := variable(u, "vcenter").(map[string]any)
			if vc["server"] != "vcsa" || vc["datacenter"] != "/dc" || vc["cloneMode"] != "fullClone" {
				t.Errorf("vcenter %v", vc)
			}
			if ep := variable(u, "apiServerEndpoint"); ep != "10.0.0.10" {
				t.Errorf("apiServerEndpoint %v", ep)
			}
		}},
		{"proxy", vsphere(map[string]any{"TKG_HTTP_PROXY": "http://p:3128", "TKG_HTTPS_PROXY": "http://p:3128", "TKG_NO_PROXY": "a, b"}), func(t *testing.T, u *unstructured.Unstructured) {
			p := variable(u, "proxy").(map[string]any)
			if p["httpProxy"] != "http://p:3128" || len(p["noProxy"].([]any)) != 2 {
				t.Errorf("proxy %v", p)
			}
		}},
		{"TKR label", vsphere(map[string]any{"TKR": "v1.30.2---vmware.1-tkg.1"}), func(t *testing.T, u *unstructured.Unstructured) {
			if l := u.GetLabels()["run.tanzu.vmware.com/tkr"]; l != "v1.30.2---vmware.1-tkg.1" {
				t.Errorf("tkr label %q", l)
			}
		}},
		{"credentials never reach the Cluster", vsphere(map[string]any{"VSPHERE_USERNAME": "administrator@vsphere.local", "VSPHERE_PASSWORD": "s3cret"}), func(t *testing.T, u *unstructured.Unstructured) {
			raw, _ := json.Marshal(u.Object)
			if strings.Contains(string(raw), "s3cret") || strings.Contains(string(raw), "administrator@") {
				t.Errorf("credentials in %s", raw)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewConfig(tt.vars, nil)
			if ps := c.Validate(); len(ps) > 0 {
				t.Fatalf("valid configuration refused: %v", ps)
			}
			tt.check(t, c.Cluster("cluster.x-k8s.io/v1beta2", "tkg-vsphere-default-v1.2.0", "v1.30.2+vmware.1"))
		})
	}
}

func TestFlatConfigClassField(t *testing.T) {
	c := NewConfig(vsphere(nil), nil)
	if got := field(t, c.Cluster("cluster.x-k8s.io/v1beta1", "k", "v"), "spec", "topology", "class"); got != "k" {
		t.Errorf("v1beta1 class %v", got)
	}
	if got := field(t, c.Cluster("cluster.x-k8s.io/v1beta2", "k", "v"), "spec", "topology", "classRef", "name"); got != "k" {
		t.Errorf("v1beta2 classRef %v", got)
	}
}

func TestFlatConfigValidate(t *testing.T) {
	lines := map[string]int{"CLUSTER_NAME": 1, "CONTROL_PLANE_MACHINE_COUNT": 2, "VSPHERE_WORKER_NUM_CPUS": 3, "CLUSTER_PLAN": 4}
	c := NewConfig(map[string]any{
		"CLUSTER_NAME": "Bad_Name", "CONTROL_PLANE_MACHINE_COUNT": 0, "VSPHERE_WORKER_NUM_CPUS": "two", "CLUSTER_PLAN": "huge",
	}, lines)
	var got []string
	for _, p := range c.Validate() {
		got = append(got, p.String())
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		`line 1: CLUSTER_NAME: "Bad_Name" must be a DNS-1123 label`,
		"line 2: CONTROL_PLANE_MACHINE_COUNT: 0: at least one control-plane machine is needed",
		`line 3: VSPHERE_WORKER_NUM_CPUS: "two" is not a whole number`,
		`line 4: CLUSTER_PLAN: "huge" is not a plan: use dev or prod`,
		"VSPHERE_CONTROL_PLANE_ENDPOINT: required unless AVI_CONTROL_PLANE_HA_PROVIDER is true",
		"VSPHERE_SERVER: required: the vSphere inventory path",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
}

func TestSourceOf(t *testing.T) {
	for _, tt := range []struct{ variable, path, want string }{
		{"", "spec.topology.controlPlane.replicas", "CONTROL_PLANE_MACHINE_COUNT"},
		{"vcenter", "spec.topology.variables[vcenter].value.cloneMode", "VSPHERE_CLONE_MODE"},
		{"worker", "spec.topology.variables[worker].value.machine.numCPUs", "VSPHERE_WORKER_NUM_CPUS"},
		{"cni", "spec.topology.variables[cni].value", "CNI"},
		{"flavour", "spec.topology.variables[flavour]", ""},
	} {
		if got := SourceOf(tt.variable, tt.path); got != tt.want {
			t.Errorf("SourceOf(%q, %q) = %q, want %q", tt.variable, tt.path, got, tt.want)
		}
	}
}
