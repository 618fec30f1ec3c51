package clitest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/spf13/cobra"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/capi"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/seed"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// probe is a plugin of one verb, `get NAME`: it connects as every
// command does and reads a Cluster.
func probe() cli.Plugin {
	return cli.Plugin{Name: "probe", Build: func(root *cobra.Command, f *cli.Factory, streams genericiooptions.IOStreams) {
		root.AddCommand(&cobra.Command{Use: "get NAME", Args: cmdutil.ExactArgs("NAME"), RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.Connect(capi.Requirement)
			if err != nil {
				return err
			}
			u, err := c.Dynamic.Resource(schema.GroupVersionResource{Group: capi.Group, Version: "v1beta2", Resource: "clusters"}).Namespace(c.Namespace).Get(cmd.Context(), args[0], metav1.GetOptions{})
			if err != nil {
				return err
			}
			fmt.Fprintln(streams.Out, u.GetName())
			return nil
		}})
	}}
}

// TestExitCodes: what a command meets on the server comes back as the
// binary's exit code and line.
func TestExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		set    func(s *Server)
		args   []string
		code   int
		stderr string
	}{
		{"found", func(s *Server) { s.Add(cluster("wc-1")) }, []string{"get", "wc-1"}, 0, ""},
		{"usage", nil, []string{"get"}, 2, "NAME"},
		{"not found", nil, []string{"get", "wc-1"}, 3, `"wc-1" not found`},
		{"not served", func(s *Server) { s.Unserve(capi.Group) }, []string{"get", "wc-1"}, 3, "cluster.x-k8s.io"},
		{"forbidden", func(s *Server) {
			s.Fail("get", "clusters", apierrors.NewForbidden(schema.GroupResource{Group: capi.Group, Resource: "clusters"}, "wc-1", fmt.Errorf("RBAC says no")))
		}, []string{"get", "wc-1"}, 7, "forbidden"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := NewServer(t)
			if tt.set != nil {
				tt.set(s)
			}
			r := s.Run(probe(), tt.args...)
			r.CheckErr(t, tt.code, tt.stderr)
			if tt.code == 2 {
				s.NoRequests(t)
			}
		})
	}
	r := Cmd{Plugin: probe()}.Run(t, "get", "wc-1")
	r.CheckErr(t, 6, "kubeconfig")
}

// TestReactionsAndProxies: a reaction answers in place of the store; the
// service proxy reaches the handler Proxy set, or is refused as the API
// server refuses a Service without endpoints.
func TestReactionsAndProxies(t *testing.T) {
	s := NewServer(t)
	s.React("create", "selfsubjectreviews", func(r Request) (bool, any, error) {
		return true, map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview", "status": map[string]any{"userInfo": map[string]any{"username": "alice"}}}, nil
	})
	rest, err := kube.NewREST(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	type review struct {
		Status struct {
			UserInfo struct{ Username string } `json:"userInfo"`
		} `json:"status"`
	}
	got, err := kube.Create[review](context.Background(), rest, schema.GroupVersionResource{Group: "authentication.k8s.io", Version: "v1", Resource: "selfsubjectreviews"}, "", map[string]any{"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})
	if err != nil || got.Status.UserInfo.Username != "alice" {
		t.Errorf("review: %+v %v", got, err)
	}
	s.Proxy("tanzu-system-monitoring", "prometheus-server", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "proxied %s", r.URL.Path)
	}))
	disc, err := kube.NewDiscovery(s.RESTConfig())
	if err != nil {
		t.Fatal(err)
	}
	body, err := disc.Get(context.Background(), "/api/v1/namespaces/tanzu-system-monitoring/services/prometheus-server:80/proxy/api/v1/query", nil)
	if err != nil || string(body) != "proxied /api/v1/query" {
		t.Errorf("proxy: %q %v", body, err)
	}
	if _, err := disc.Get(context.Background(), "/api/v1/namespaces/x/services/y:80/proxy/", nil); !apierrors.IsServiceUnavailable(err) {
		t.Errorf("a service without endpoints: %v", err)
	}
}

// TestWaitSeesTheChange: internal/wait (an informer's list and watch, or
// a watch list with its bookmark) ends on a change made while it waits.
func TestWaitSeesTheChange(t *testing.T) {
	s := NewServer(t, cluster("wc-1"))
	s.After("patch", "clusters", func(r Request) {
		done := r.Object.DeepCopy()
		done.Object["status"] = map[string]any{"phase": "Ready"}
		s.Add(done)
	})
	c := client(t, s).Namespace("default")
	go func() {
		_, _ = c.Patch(context.Background(), "wc-1", "application/merge-patch+json", []byte(`{"spec":{"paused":true}}`), metav1.PatchOptions{})
	}()
	got, err := wait.For(context.Background(), wait.Spec{Client: c, Namespace: "default", Name: "wc-1", What: "wc-1", Timeout: 10 * time.Second,
		Check: func(u *unstructured.Unstructured) (bool, error) {
			phase, _, _ := unstructured.NestedString(u.Object, "status", "phase")
			return phase == "Ready", nil
		}})
	if err != nil || got.GetName() != "wc-1" {
		t.Fatalf("wait: %v", err)
	}
}

// TestEstateIsWhatSeedApplyLeaves holds Estate's direct store to
// seed.Apply over the API: the same objects with the same labels,
// generations, deletions, specs and statuses (times aside: both sides
// compute theirs from the clock, which may tick a second between them).
func TestEstateIsWhatSeedApplyLeaves(t *testing.T) {
	direct := Estate(t)
	viaAPI := NewServer(t)
	raw, err := clientcmd.Write(*Config(direct))
	if err != nil {
		t.Fatal(err)
	}
	if err := seed.Apply(context.Background(), viaAPI.RESTConfig(), raw, false); err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		if k.Virtual {
			continue
		}
		want, got := viaAPI.Objects(k.Resource+"."+k.Group, ""), direct.Objects(k.Resource+"."+k.Group, "")
		if len(want) != len(got) {
			t.Errorf("%s: %d objects, seed.Apply leaves %d", k.Resource, len(got), len(want))
			continue
		}
		for i := range want {
			if w, g := comparable(t, want[i]), comparable(t, got[i]); w != g {
				t.Errorf("%s %s/%s:\n got %v\nwant %v", k.Kind, got[i].GetNamespace(), got[i].GetName(), g, w)
			}
		}
	}
}

// comparable is the JSON of what seeding decides of an object.
func comparable(t *testing.T, u *unstructured.Unstructured) string {
	out := map[string]any{}
	for k, v := range u.Object {
		if k != "metadata" {
			out[k] = v
		}
	}
	out["name"] = u.GetNamespace() + "/" + u.GetName()
	if len(u.GetLabels())+len(u.GetAnnotations())+len(u.GetFinalizers()) > 0 {
		out["marks"] = []any{u.GetLabels(), u.GetAnnotations(), u.GetFinalizers()}
	}
	out["generation"], out["deleting"] = u.GetGeneration(), u.GetDeletionTimestamp() != nil
	raw, err := json.Marshal(stripTimes(out))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func stripTimes(v any) any {
	switch v := v.(type) {
	case string:
		if _, err := time.Parse(time.RFC3339, v); err == nil {
			return "<time>"
		}
		return v
	case map[string]any:
		out := map[string]any{}
		for k, x := range v {
			out[k] = stripTimes(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = stripTimes(x)
		}
		return out
	}
	return v
}
