package lb

import (
	"context"
	"errors"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

func adc(t *testing.T, name string, matchLabels map[string]any) *ADC {
	t.Helper()
	spec := map[string]any{"dataNetwork": map[string]any{"name": "vip", "cidr": "10.20.8.0/24"}}
	if matchLabels != nil {
		spec["clusterSelector"] = map[string]any{"matchLabels": matchLabels}
	}
	a, err := ParseADC(&unstructured.Unstructured{Object: map[string]any{"apiVersion": "networking.tkg.tanzu.vmware.com/v1alpha1", "kind": "AKODeploymentConfig", "metadata": map[string]any{"name": name}, "spec": spec}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func clusterObj(ns, name string, labels map[string]any, ready string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "cluster.x-k8s.io/v1beta1", "kind": "Cluster",
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": labels},
		"spec":     map[string]any{},
	}}
	if ready != "" {
		u.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Ready", "status": ready}}}
	}
	return u
}

func TestSelectFollowsTheOperatorsRules(t *testing.T) {
	adcs := []*ADC{adc(t, ForAll, nil), adc(t, ForManagement, map[string]any{"cluster-role.tkg.tanzu.vmware.com/management": ""}),
		adc(t, "prod", map[string]any{"plan": "prod"}), adc(t, "prod-2", map[string]any{"tier": "gold"})}
	tests := []struct {
		name    string
		cluster *unstructured.Unstructured
		want    string
		reason  string
	}{
		{"a matching selector wins", clusterObj("team-a", "wc-1", map[string]any{"plan": "prod"}, "True"), "prod", "matches"},
		{"the rest go to install-ako-for-all", clusterObj("team-a", "wc-2", nil, "True"), ForAll, "takes the rest"},
		{"management clusters get only theirs", clusterObj("tkg-system", "mc", map[string]any{"cluster-role.tkg.tanzu.vmware.com/management": "", "plan": "prod"}, "True"), ForManagement, "management"},
		{"not Ready is skipped", clusterObj("team-a", "wc-3", map[string]any{"plan": "prod"}, "False"), "", "not Ready"},
		{"two selectors: one wins, the overlap said", clusterObj("team-a", "wc-4", map[string]any{"plan": "prod", "tier": "gold"}, "True"), "prod", "several ADCs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Select(tt.cluster, adcs)
			if got.ADC != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %+v, want %s (%s)", got, tt.want, tt.reason)
			}
		})
	}
	if got := Select(clusterObj("a", "b", nil, "True"), adcs[2:]); got.ADC != "" || !strings.Contains(got.Reason, "no "+ForAll) {
		t.Errorf("without install-ako-for-all: %+v", got)
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		in   string
		size int64
		bad  string
	}{
		{"10.0.0.10-10.0.0.19", 10, ""},
		{"10.0.0.0/30", 4, ""},
		{"10.0.0.5", 1, ""},
		{"10.0.0.20-10.0.0.10", 0, "ends before it starts"},
		{"10.0.0.1-fd00::1", 0, "mixes IPv4 and IPv6"},
		{"10.0.0/24", 0, "10.0.0/24"},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.in)
		if tt.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tt.bad) {
				t.Errorf("%s: want error with %q, got %v", tt.in, tt.bad, err)
			}
			continue
		}
		if err != nil || r.Size() != tt.size {
			t.Errorf("%s: size %d, %v; want %d", tt.in, r.Size(), err, tt.size)
		}
	}
}

func TestKubeVIPPoolsAndShadowing(t *testing.T) {
	data := map[string]string{"cidr-global": "192.168.50.0/30", "range-team-a": "192.168.60.10-192.168.60.11", "cidr-team-b": "192.168.70.0/31", "range-team-b": "192.168.71.1-192.168.71.2", "allow-share-team-a": "true"}
	pools, err := KubeVIPPools(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(pools) != 4 {
		t.Fatalf("got %d pools", len(pools))
	}
	if got := ShadowedRanges(data); len(got) != 1 || got[0] != "range-team-a" {
		t.Errorf("shadowed: %v (team-b has its own cidr)", got)
	}
	if _, err := KubeVIPPools(map[string]string{"cidr-x": "10.0.0.1"}); err == nil {
		t.Error("a cidr key without a prefix must be refused")
	}
}

func TestDiagnoseAndFindings(t *testing.T) {
	svc := func(ns, name string, ann map[string]any, ingress string, spec map[string]any) *unstructured.Unstructured {
		s := map[string]any{"type": "LoadBalancer"}
		for k, v := range spec {
			s[k] = v
		}
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name, "namespace": ns, "annotations": ann}, "spec": s}}
		if ingress != "" {
			u.Object["status"] = map[string]any{"loadBalancer": map[string]any{"ingress": []any{map[string]any{"ip": ingress}}}}
		}
		return u
	}
	objs := []runtime.Object{
		svc("team-a", "web", nil, "192.168.60.10", nil),
		svc("team-a", "api", nil, "", nil),                                                      // pending: pool full
		svc("team-c", "db", nil, "", nil),                                                       // pending: no pool for team-c
		svc("team-a", "dup", map[string]any{KubeVIPIPs: "192.168.60.10"}, "192.168.60.10", nil), // same address
		svc("team-a", "far", nil, "", map[string]any{"loadBalancerIP": "10.9.9.9"}),             // outside every pool
		// As kapp-controller reports AKO's package on a TKG workload cluster.
		&unstructured.Unstructured{Object: map[string]any{"apiVersion": "packaging.carvel.dev/v1alpha1", "kind": "PackageInstall",
			"metadata": map[string]any{"name": "load-balancer-and-ingress-service", "namespace": "tkg-system"},
			"spec":     map[string]any{"packageRef": map[string]any{"refName": AKOPackage}},
			"status":   map[string]any{"conditions": []any{map[string]any{"type": "ReconcileSucceeded", "status": "True"}}}}},
		&unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "kubevip", "namespace": "kube-system"},
			"data": map[string]any{"range-team-a": "192.168.60.10-192.168.60.10"}}},
	}
	gvrs := map[schema.GroupVersionResource]string{services: "ServiceList", events: "EventList", configMaps: "ConfigMapList", statefulSets: "StatefulSetList", packageInstalls: "PackageInstallList"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), gvrs, objs...)
	c, err := Read(context.Background(), dyn, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.AKO.Package != "tkg-system/load-balancer-and-ingress-service" || c.AKO.PackageState != "ReconcileSucceeded" {
		t.Errorf("AKO's package: %q %q", c.AKO.Package, c.AKO.PackageState)
	}
	pools, err := KubeVIPPools(c.KubeVIP)
	if err != nil {
		t.Fatal(err)
	}
	Account(pools, c.Services)
	c.Diagnose(pools)
	causes := map[string]string{}
	for _, s := range c.Services {
		if s.Implementation != ImplKubeVIP {
			t.Errorf("%s: implementation %s, want kube-vip (the cluster runs kube-vip only)", s.Name, s.Implementation)
		}
		causes[s.Name] = s.Cause
	}
	for name, want := range map[string]string{"api": "full", "db": "no kube-vip pool serves namespace team-c", "far": "10.9.9.9 is outside every kube-vip pool", "web": ""} {
		if !strings.Contains(causes[name], want) || (want == "" && causes[name] != "") {
			t.Errorf("%s: cause %q, want %q", name, causes[name], want)
		}
	}
	findings := ClusterFindings(c, pools)
	var text []string
	for _, f := range findings {
		text = append(text, f.Severity+" "+f.Object+" "+f.Cause)
	}
	contains(t, "findings", strings.Join(text, "\n"), "address 192.168.60.10 held by several Services: team-a/dup, team-a/web", "pool full: 2 of 1", "service/db -n team-c LoadBalancer pending")
	if Errors(findings) == 0 {
		t.Error("want error-level findings")
	}
}

func TestPlanADCReportsEveryProblemWithItsLine(t *testing.T) {
	file := `name: prod
controller: avi.example.com
cloud: Default-Cloud
serviceEngineGroup: seg-1
adminCredentials: tkg-system-networking/missing
dataNetwork:
  name: vip-pg
  cidr: 10.20.8.0/24
  pools:
  - 10.20.8.10-10.20.8.50
  - 10.20.8.40-10.20.8.60
  - 10.20.9.1-10.20.9.5
clusterSelector:
  plan: prod
colour: blue
`
	docs, err := yamldoc.Parse("adc.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	gvrs := map[schema.GroupVersionResource]string{ADCs: "AKODeploymentConfigList", capi.API{Version: "v1beta1"}.Clusters(): "ClusterList",
		{Version: "v1", Resource: "secrets"}: "SecretList", crds: "CustomResourceDefinitionList"}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), gvrs,
		clusterObj("team-a", "wc-1", map[string]any{"plan": "prod", "tier": "gold"}, "True"),
		adc(t, "gold", map[string]any{"tier": "gold"}).Object)
	clients := &kube.Clients{Dynamic: dyn, Metadata: noSecrets{}}
	_, err = PlanADC(context.Background(), clients, &capi.API{Version: "v1beta1"}, docs[0])
	var problems *errs.ProblemsError
	if !errors.As(err, &problems) {
		t.Fatalf("want problems, got %v", err)
	}
	var lines []string
	for _, p := range problems.Problems {
		lines = append(lines, p.String())
	}
	contains(t, "problems", strings.Join(lines, "\n"),
		"adc.yaml:5: spec.adminCredentialRef (from adminCredentials): Secret tkg-system-networking/missing does not exist",
		"adc.yaml:11: spec.dataNetwork.ipPools[1] (from dataNetwork): 10.20.8.40-10.20.8.60 overlaps ipPools[0] 10.20.8.10-10.20.8.50",
		"adc.yaml:12: spec.dataNetwork.ipPools[2] (from dataNetwork): 10.20.9.1-10.20.9.5 is outside the network's CIDR 10.20.8.0/24",
		"adc.yaml:13: spec.clusterSelector (from clusterSelector): also claims team-a/wc-1, which adc/gold selects",
		"adc.yaml:15: colour: unknown key")
	if !strings.Contains(problems.Summary, "problem(s), nothing was created") {
		t.Errorf("summary %q", problems.Summary)
	}
}

// noSecrets is an API server without Secrets, read through the metadata API.
type noSecrets struct{}

func (noSecrets) GetMetadata(_ context.Context, gvr schema.GroupVersionResource, _, name string) (*metav1.PartialObjectMetadata, error) {
	return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
}
