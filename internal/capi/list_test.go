package capi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

var api = capi.API{Version: "v1beta2", Versions: kube.Served{capi.Group: {"v1beta2"}}}

// clients connects to the in-memory API server.
func clients(t *testing.T, s *clitest.Server) (*kube.REST, dynamic.Interface) {
	t.Helper()
	r, err := kube.NewREST(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	return r, dyn
}

// A management cluster with its own Cluster, two workload clusters in
// team-a, and the TanzuKubernetesClusters of vSphere with Tanzu, one of
// them the same cluster as a Cluster.
const estate = `
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: mgmt, namespace: tkg-system, labels: {cluster-role.tkg.tanzu.vmware.com/management: ""}}
spec: {topology: {classRef: {name: tkg-vsphere-default-v1.2.0}, version: v1.30.2+vmware.1}}
---
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: wc-1, namespace: team-a, labels: {plan: prod}}
spec: {topology: {classRef: {name: tkg-vsphere-default-v1.2.0}, version: v1.30.2+vmware.1}}
---
apiVersion: cluster.x-k8s.io/v1beta2
kind: Cluster
metadata: {name: wc-2, namespace: team-a}
spec: {topology: {classRef: {name: tkg-vsphere-default-v1.2.0}, version: v1.31.1+vmware.2}}
---
apiVersion: run.tanzu.vmware.com/v1alpha2
kind: TanzuKubernetesCluster
metadata: {name: tkc-1, namespace: team-a, labels: {plan: prod}}
spec: {topology: {controlPlane: {replicas: 3}}}
---
apiVersion: run.tanzu.vmware.com/v1alpha2
kind: TanzuKubernetesCluster
metadata: {name: wc-2, namespace: team-a}
spec: {topology: {controlPlane: {replicas: 1}}}
`

func names(listed []capi.Listed) string {
	var out []string
	for _, l := range listed {
		out = append(out, l.Cluster.Namespace+"/"+l.Cluster.Name+"/"+l.Cluster.Class)
	}
	return strings.Join(out, " ")
}

func list(t *testing.T, s *clitest.Server, opts capi.ListOptions) ([]capi.Listed, error) {
	t.Helper()
	r, dyn := clients(t, s)
	var got []capi.Listed
	err := capi.ListClusters(context.Background(), r, dyn, api, opts, func(l capi.Listed) { got = append(got, l) })
	return got, err
}

func tkcs() (string, bool) { return "v1alpha2", true }

// The Clusters come first, then the TanzuKubernetesClusters no Cluster
// stands for; the management cluster's own Cluster only when asked; the
// selector and namespace apply to both kinds.
func TestListClustersMergesTanzuKubernetesClusters(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(estate)
	for _, c := range []struct {
		opts capi.ListOptions
		want string
	}{
		{capi.ListOptions{TKCVersion: tkcs}, "team-a/wc-1/tkg-vsphere-default-v1.2.0 team-a/wc-2/tkg-vsphere-default-v1.2.0 team-a/tkc-1/TanzuKubernetesCluster"},
		{capi.ListOptions{TKCVersion: tkcs, IncludeManagement: true}, "team-a/wc-1/tkg-vsphere-default-v1.2.0 team-a/wc-2/tkg-vsphere-default-v1.2.0 tkg-system/mgmt/tkg-vsphere-default-v1.2.0 team-a/tkc-1/TanzuKubernetesCluster"},
		{capi.ListOptions{TKCVersion: tkcs, Selector: "plan=prod"}, "team-a/wc-1/tkg-vsphere-default-v1.2.0 team-a/tkc-1/TanzuKubernetesCluster"},
		{capi.ListOptions{TKCVersion: tkcs, Namespace: "tkg-system", IncludeManagement: true}, "tkg-system/mgmt/tkg-vsphere-default-v1.2.0"},
		{capi.ListOptions{TKCVersion: func() (string, bool) { return "", false }}, "team-a/wc-1/tkg-vsphere-default-v1.2.0 team-a/wc-2/tkg-vsphere-default-v1.2.0"},
		{capi.ListOptions{}, "team-a/wc-1/tkg-vsphere-default-v1.2.0 team-a/wc-2/tkg-vsphere-default-v1.2.0"},
	} {
		got, err := list(t, s, c.opts)
		if err != nil || names(got) != c.want {
			t.Errorf("%+v:\ngot  %s (%v)\nwant %s", c.opts, names(got), err, c.want)
		}
	}
}

// Each mode keeps what it says: views only, the objects, or the bytes the
// server sent.
func TestListClustersModes(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(estate)
	for _, mode := range []capi.ListMode{capi.ListViews, capi.ListObjects, capi.ListRaw} {
		got, err := list(t, s, capi.ListOptions{Mode: mode, TKCVersion: tkcs})
		if err != nil || len(got) != 3 {
			t.Fatalf("mode %d: %d clusters, %v", mode, len(got), err)
		}
		for _, l := range got {
			switch {
			case mode == capi.ListViews && (l.Object != nil || l.Raw != nil),
				mode == capi.ListObjects && (l.Object == nil || l.Object.GetName() != l.Cluster.Name || l.Raw != nil),
				mode == capi.ListRaw && (l.Object != nil || !json.Valid(l.Raw) || !strings.Contains(string(l.Raw), `"name":"`+l.Cluster.Name+`"`)):
				t.Errorf("mode %d kept %+v", mode, l)
			}
		}
	}
}

// Thousands of Clusters are read page by page, each handed over in order.
func TestListClustersPages(t *testing.T) {
	s := clitest.NewServer(t)
	const n = 1001
	for i := range n {
		s.AddYAML(fmt.Sprintf("apiVersion: cluster.x-k8s.io/v1beta2\nkind: Cluster\nmetadata: {name: wc-%04d, namespace: default}\n", i))
	}
	got, err := list(t, s, capi.ListOptions{})
	if err != nil || len(got) != n || got[0].Cluster.Name != "wc-0000" || got[n-1].Cluster.Name != fmt.Sprintf("wc-%04d", n-1) {
		t.Fatalf("%d clusters, %v", len(got), err)
	}
	pages := 0
	for _, r := range s.Requests() {
		if r.Verb == "list" && r.Resource.Resource == "clusters" {
			pages++
		}
	}
	if pages != 3 {
		t.Errorf("%d pages, want 3", pages)
	}
}

// TanzuKubernetesClusters are an addition: a user who may not read them
// sees the Clusters; any other failure to list them is the listing's.
func TestListClustersTanzuKubernetesClusterErrors(t *testing.T) {
	s := clitest.NewServer(t)
	s.AddYAML(estate)
	tkc := schema.GroupResource{Group: capi.TKRGroup, Resource: "tanzukubernetesclusters"}
	s.Fail("list", "tanzukubernetesclusters", apierrors.NewForbidden(tkc, "", fmt.Errorf("no")))
	if got, err := list(t, s, capi.ListOptions{TKCVersion: tkcs}); err != nil || len(got) != 2 {
		t.Errorf("forbidden: %s, %v", names(got), err)
	}
	s = clitest.NewServer(t)
	s.AddYAML(estate)
	s.Fail("list", "tanzukubernetesclusters", apierrors.NewInternalError(fmt.Errorf("etcd is down")))
	if _, err := list(t, s, capi.ListOptions{TKCVersion: tkcs}); err == nil || !strings.Contains(err.Error(), "listing TanzuKubernetesClusters") {
		t.Errorf("internal error: %v", err)
	}
}
