package cli

import (
	"bytes"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestPrintAction(t *testing.T) {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("cluster.x-k8s.io/v1beta2")
	u.SetKind("Cluster")
	u.SetName("wc-1")
	for _, tc := range []struct {
		verb   string
		dryRun bool
		want   string
	}{
		{"created", false, "cluster.cluster.x-k8s.io/wc-1 created\n"},
		{"deleted", true, "cluster.cluster.x-k8s.io/wc-1 deleted (dry run)\n"},
		{"changed:", false, "cluster.cluster.x-k8s.io/wc-1 changed:\n"},
	} {
		var out bytes.Buffer
		if err := PrintAction(&out, u, tc.verb, tc.dryRun); err != nil {
			t.Fatal(err)
		}
		if out.String() != tc.want {
			t.Errorf("PrintAction(%q, %v) = %q, want %q", tc.verb, tc.dryRun, out.String(), tc.want)
		}
	}
	if OrDash("") != "-" || OrDash("x") != "x" {
		t.Error("OrDash")
	}
}
