package cli

import (
	"bytes"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
)

func TestPrintAction(t *testing.T) {
	obj := func(apiVersion, kind, name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion(apiVersion)
		u.SetKind(kind)
		u.SetName(name)
		return u
	}
	cases := []struct {
		obj    *unstructured.Unstructured
		verb   string
		dryRun bool
		want   string
	}{
		{obj("packaging.carvel.dev/v1alpha1", "PackageInstall", "contour"), "created", false, "packageinstall.packaging.carvel.dev/contour created\n"},
		{obj("packaging.carvel.dev/v1alpha1", "PackageRepository", "dev"), "created", true, "packagerepository.packaging.carvel.dev/dev created (dry run)\n"},
		{obj("v1", "Namespace", "tanzu-packages"), "created", false, "namespace/tanzu-packages created\n"},
		{obj("cluster.x-k8s.io/v1beta2", "Cluster", "wc-1"), "deleted", true, "cluster.cluster.x-k8s.io/wc-1 deleted (dry run)\n"},
		{obj("cluster.x-k8s.io/v1beta2", "Cluster", "wc-1"), "changed:", false, "cluster.cluster.x-k8s.io/wc-1 changed:\n"},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		if err := PrintAction(&out, tc.obj, tc.verb, tc.dryRun); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("got %q, want %q", out.String(), tc.want)
		}
	}
	if cmdutil.OrDash("") != "-" || cmdutil.OrDash("x") != "x" {
		t.Error("OrDash")
	}
}
