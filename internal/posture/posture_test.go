package posture

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func meta(ns, name string) metav1.ObjectMeta { return metav1.ObjectMeta{Namespace: ns, Name: name} }

func pod(ns, name string, edit func(*corev1.Pod)) corev1.Pod {
	p := corev1.Pod{ObjectMeta: meta(ns, name), Spec: corev1.PodSpec{ServiceAccountName: "app",
		Containers: []corev1.Container{{Name: "app", Image: "harbor.example.com/shop/app:1.2.3"}}}}
	if edit != nil {
		edit(&p)
	}
	return p
}

// decoded is v as Collect reads it: the API object's JSON decoded into
// the fields the checks read.
func decoded[T any](v any) T {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var out T
	if err := json.Unmarshal(raw, &out); err != nil {
		panic(err)
	}
	return out
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// insecure is a cluster failing every check once, beside objects that
// pass them (system namespaces, pinned images, a policy's namespace).
func insecure() Snapshot {
	wild := []rbacv1.PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}
	secrets := []rbacv1.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"secrets"}}}
	group := func(n string) rbacv1.Subject { return rbacv1.Subject{Kind: "Group", Name: n} }
	user := func(n string) rbacv1.Subject { return rbacv1.Subject{Kind: "User", Name: n} }
	return Snapshot{
		Namespaces: decoded[[]Namespace]([]corev1.Namespace{
			{ObjectMeta: metav1.ObjectMeta{Name: "shop"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kube-system"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "labelled", Labels: map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "by-policy", Labels: map[string]string{"tko.tanzu.vmware.com/policy": "baseline"}}},
		}),
		Pods: decoded[[]Pod]([]corev1.Pod{
			pod("shop", "priv", func(p *corev1.Pod) {
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: yes()}
				p.Spec.HostNetwork = true
				p.Spec.Volumes = []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}
			}),
			pod("shop", "web", func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = ""
				p.Spec.Containers[0].Image = "nginx"
				p.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}, Key: "password"}}}}
				p.Spec.InitContainers = []corev1.Container{{Name: "init", Image: "busybox:latest", EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "api"}}}}}}
			}),
			pod("shop", "pinned", func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = "default"
				p.Spec.AutomountServiceAccountToken = no()
				p.Spec.Containers[0].Image = "registry.example.com:5000/app@sha256:abc"
			}),
			pod("guarded", "app", nil),
			pod("kube-system", "kube-proxy", func(p *corev1.Pod) {
				p.Spec.ServiceAccountName = ""
				p.Spec.HostNetwork = true
				p.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: yes()}
				p.Spec.Containers[0].Image = "kube-proxy:latest"
			}),
			pod("done", "job", func(p *corev1.Pod) { p.Spec.ServiceAccountName = ""; p.Status.Phase = corev1.PodSucceeded }),
		}),
		NetworkPolicies: decoded[[]NetworkPolicy]([]networkingv1.NetworkPolicy{{ObjectMeta: meta("guarded", "deny")}}),
		ClusterRoles: []rbacv1.ClusterRole{
			{ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"}, Rules: wild},
			{ObjectMeta: metav1.ObjectMeta{Name: "secret-reader"}, Rules: secrets},
		},
		ClusterRoleBindings: []rbacv1.ClusterRoleBinding{
			{ObjectMeta: metav1.ObjectMeta{Name: "cluster-admin"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}, Subjects: []rbacv1.Subject{group("system:masters")}},
			{ObjectMeta: metav1.ObjectMeta{Name: "everyone-admin"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "cluster-admin"}, Subjects: []rbacv1.Subject{group("system:authenticated")}},
			{ObjectMeta: metav1.ObjectMeta{Name: "readers"}, RoleRef: rbacv1.RoleRef{Kind: "ClusterRole", Name: "secret-reader"},
				Subjects: []rbacv1.Subject{user("ann"), user("bob"), user("cy"), {Kind: "ServiceAccount", Namespace: "kube-system", Name: "ctrl"}}},
		},
		Roles: []rbacv1.Role{{ObjectMeta: meta("shop", "all"), Rules: wild}},
		RoleBindings: []rbacv1.RoleBinding{
			{ObjectMeta: meta("shop", "dev-all"), RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "all"}, Subjects: []rbacv1.Subject{user("dev@example.com")}},
			{ObjectMeta: meta("shop", "ctrl-all"), RoleRef: rbacv1.RoleRef{Kind: "Role", Name: "all"}, Subjects: []rbacv1.Subject{{Kind: "ServiceAccount", Namespace: "tkg-system", Name: "x"}}},
		},
		Anonymous: Anonymous{Authenticated: true, CanList: true},
		// Harbor and the private registry for shop; guarded has no policy.
		Registries: []RegistryPolicy{{Name: "registries", Allow: []string{"harbor.example.com", "registry.example.com:5000"}, Namespaces: []string{"shop", "done"}}},
	}
}

func byID(t *testing.T, results []Result) map[string]Result {
	t.Helper()
	if len(results) != len(Checks) {
		t.Fatalf("%d results for %d checks", len(results), len(Checks))
	}
	m := map[string]Result{}
	for _, r := range results {
		m[r.ID] = r
	}
	return m
}

func TestEvaluateEveryCheck(t *testing.T) {
	got := byID(t, Evaluate("wc", insecure(), nil, nil))
	want := map[string][]string{
		"1.2.1":      {"kube-apiserver (anonymous list of pods answered)"},
		"1.2.1-auth": nil, // said by 1.2.1 already
		"5.1.1":      {"ClusterRoleBinding/everyone-admin (system:authenticated)"},
		// 3 people and the broad group (through cluster-admin); not the
		// system service account.
		"5.1.2":  {"ClusterRoleBinding/everyone-admin (ClusterRole/cluster-admin to Group/system:authenticated)"},
		"5.1.3":  {"ClusterRoleBinding/everyone-admin (ClusterRole/cluster-admin to Group/system:authenticated)", "RoleBinding/shop/dev-all (Role/shop/all to User/dev@example.com)"},
		"5.1.5":  {"Pod/shop/web"},
		"5.2.1":  {"Namespace/shop"},
		"5.2.2":  {"Pod/shop/priv (app)"},
		"5.2.5":  {"Pod/shop/priv (hostNetwork)"},
		"5.2.12": {"Pod/shop/priv (root: /)"},
		"5.3.2":  {"Namespace/shop"},
		"5.4.1":  {"Pod/shop/web (Secret/api, Secret/db)"},
		"TKO-1":  {"Pod/shop/web (busybox:latest, nginx)"},
		// Docker Hub's images, by the policy's own matching; pods of
		// namespaces the policy does not govern are not its business.
		"TKO-2": {"Pod/shop/web (busybox:latest, nginx)"},
	}
	for id, objs := range want {
		r := got[id]
		if id == "5.1.2" {
			if r.Status != StatusFail || len(r.Objects) != 4 || !strings.Contains(strings.Join(r.Objects, ";"), "Group/system:authenticated (ClusterRoleBinding/everyone-admin)") ||
				strings.Contains(strings.Join(r.Objects, ";"), "ctrl") {
				t.Errorf("5.1.2: %s %q", r.Status, r.Objects)
			}
			continue
		}
		if strings.Join(r.Objects, ";") != strings.Join(objs, ";") {
			t.Errorf("%s objects %q, want %q", id, r.Objects, objs)
		}
		if (len(objs) > 0) != (r.Status == StatusFail) || (r.Status == StatusFail && r.Fix == "") {
			t.Errorf("%s status %s fix %q", id, r.Status, r.Fix)
		}
	}
	rep := NewReport(1, Evaluate("wc", insecure(), nil, nil))
	if rep.Summary.Errors != 3 || rep.Summary.Warnings != 10 || rep.Summary.Passed != 1 || !rep.Failed(false) {
		t.Errorf("summary %+v", rep.Summary)
	}
}

func TestEvaluateQuietCluster(t *testing.T) {
	s := Snapshot{Anonymous: Anonymous{Authenticated: true}}
	got := byID(t, Evaluate("wc", s, nil, nil))
	for id, r := range got {
		if id == "TKO-2" {
			// No image-registry policy: not applicable, and says so.
			if r.Status != StatusSkipped || !strings.Contains(r.Note, "no image-registry policy") {
				t.Errorf("%s: %s %q", id, r.Status, r.Note)
			}
			continue
		}
		if want := StatusPass; id == "1.2.1-auth" {
			want = StatusFail
			if r.Status != want {
				t.Errorf("%s: %s", id, r.Status)
			}
		} else if r.Status != want {
			t.Errorf("%s: %s %q", id, r.Status, r.Objects)
		}
	}
	// Secrets read by 3 people pass; by a 4th, fail.
	s = insecure()
	s.ClusterRoleBindings = s.ClusterRoleBindings[2:]
	if r := byID(t, Evaluate("wc", s, nil, nil))["5.1.2"]; r.Status != StatusPass {
		t.Errorf("3 readers: %s %q", r.Status, r.Objects)
	}
	s.ClusterRoleBindings[0].Subjects = append(s.ClusterRoleBindings[0].Subjects, rbacv1.Subject{Kind: "User", Name: "dee"})
	if r := byID(t, Evaluate("wc", s, nil, nil))["5.1.2"]; r.Status != StatusFail || len(r.Objects) != 4 {
		t.Errorf("4 readers: %s %q", r.Status, r.Objects)
	}
}

func TestIgnoreExceptionsAndUnchecked(t *testing.T) {
	exc, err := ParseExceptions("x.yaml", []byte(`
- id: "5.2.2"
  object: Pod/shop/*
  reason: the storage driver needs it
- id: "5.3.2"
  object: Namespace/shop
  reason: a service mesh guards it
`))
	if err != nil {
		t.Fatal(err)
	}
	s := insecure()
	s.Errors = map[string]string{SrcAnonymous: "connection refused"}
	got := byID(t, Evaluate("wc", s, map[string]bool{"TKO-1": true}, exc))
	if r := got["5.2.2"]; r.Status != StatusIgnored || len(r.Objects) != 0 || len(r.Excepted) != 1 {
		t.Errorf("5.2.2 excepted: %+v", r)
	}
	if r := got["TKO-1"]; r.Status != StatusIgnored || len(r.Objects) != 0 {
		t.Errorf("TKO-1 ignored: %+v", r)
	}
	if r := got["1.2.1"]; r.Status != StatusUnchecked || !strings.Contains(r.Note, "connection refused") {
		t.Errorf("1.2.1 unchecked: %+v", r)
	}
	rep := NewReport(1, Evaluate("wc", s, map[string]bool{"TKO-1": true}, exc))
	if rep.Summary.Errors != 1 || !rep.Failed(false) || rep.Summary.Unchecked != 2 || rep.Summary.Ignored != 3 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

func TestParseExceptionsErrors(t *testing.T) {
	for _, c := range []struct{ name, yaml, want string }{
		{"unknown id", "- id: \"5.1.1\"\n  object: x\n  reason: r\n- id: 9.9\n  object: Pod/a/b\n  reason: r\n", "x.yaml:4: id: unknown check ID \"9.9\""},
		{"no reason", "- id: TKO-1\n  object: Pod/a/b\n", "x.yaml:1: reason: missing"},
		{"not a list", "id: TKO-1\n", "x.yaml:1: expected a list"},
		{"bad glob", "- id: TKO-1\n  object: \"Pod/[\"\n  reason: r\n", "x.yaml:2: object:"},
		{"unknown field", "- id: TKO-1\n  object: a\n  reason: r\n  until: 2027\n", "x.yaml:4: until: unknown field"},
	} {
		_, err := ParseExceptions("x.yaml", []byte(c.yaml))
		var in *errs.InputError
		if !errors.As(err, &in) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an InputError with %q", c.name, err, c.want)
		}
	}
	if _, err := ParseIgnore([]string{"5.1.1,TKO-1", "nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("ParseIgnore: %v", err)
	}
}

func TestJUnit(t *testing.T) {
	rep := NewReport(2, append(Evaluate("wc-a", insecure(), nil, nil), Evaluate("wc-b", Snapshot{}, map[string]bool{"TKO-1": true}, nil)...))
	x, err := rep.JUnit()
	if err != nil {
		t.Fatal(err)
	}
	out := string(x)
	for _, want := range []string{
		`<testsuites name="kubectl tko cluster inspect security" tests="28" failures="3" errors="0" skipped="2">`,
		`<testsuite name="wc-a" tests="14" failures="3" errors="0" skipped="0">`,
		`<testcase name="5.1.1 cluster-admin bound to a broad group" classname="wc-a">`,
		`<failure message="1 object(s): delete the binding`, `ClusterRoleBinding/everyone-admin (system:authenticated)</failure>`,
		`<system-out>WARNING: 1 object(s):`,
		`<testsuite name="wc-b" tests="14" failures="0" errors="0" skipped="2">`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("JUnit lacks %q:\n%s", want, out)
		}
	}
}

func TestProbeAnonymous(t *testing.T) {
	for _, c := range []struct {
		name          string
		version       int
		list          int
		auth, canList bool
	}{
		{"anonymous off", 401, 401, false, false},
		{"anonymous on, RBAC denies", 200, 403, true, false},
		{"anonymous lists pods", 200, 200, true, true},
	} {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				t.Errorf("%s: the probe sent credentials", c.name)
			}
			if r.URL.Path == "/version" {
				w.WriteHeader(c.version)
				return
			}
			w.WriteHeader(c.list)
		}))
		cfg := &rest.Config{Host: srv.URL, BearerToken: "secret-token", TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
		a, err := ProbeAnonymous(context.Background(), cfg)
		srv.Close()
		if err != nil || a.Authenticated != c.auth || a.CanList != c.canList {
			t.Errorf("%s: %+v %v", c.name, a, err)
		}
	}
}

func TestSystemNamespacesAndTags(t *testing.T) {
	for ns, want := range map[string]bool{"kube-system": true, "vmware-system-csi": true, "tanzu-system-ingress": true, "pinniped-concierge": true, "velero": true, "shop": false, "default": false} {
		if IsSystemNamespace(ns) != want {
			t.Errorf("IsSystemNamespace(%s) != %v", ns, want)
		}
	}
	for image, want := range map[string]string{"nginx": "", "nginx:1.25": "1.25", "reg:5000/a/b": "", "reg:5000/a/b:latest": "latest"} {
		if tag, _ := ImageTag(image); tag != want {
			t.Errorf("ImageTag(%s) = %q, want %q", image, tag, want)
		}
	}
}

// A default ServiceAccount that says not to mount its token exempts the
// pods that use it, read from the API's JSON as Collect reads it.
func TestDefaultServiceAccountThatDoesNotMount(t *testing.T) {
	s := Snapshot{
		ServiceAccounts: decoded[[]ServiceAccount]([]corev1.ServiceAccount{
			{ObjectMeta: meta("quiet", "default"), AutomountServiceAccountToken: no()},
			{ObjectMeta: meta("shop", "default")},
		}),
		Pods: decoded[[]Pod]([]corev1.Pod{
			pod("quiet", "a", func(p *corev1.Pod) { p.Spec.ServiceAccountName = "" }),
			pod("shop", "b", func(p *corev1.Pod) { p.Spec.ServiceAccountName = "default" }),
			pod("shop", "c", nil),
		}),
	}
	if got := s.defaultServiceAccounts(); len(got) != 1 || got[0] != "Pod/shop/b" {
		t.Errorf("got %v, want [Pod/shop/b]", got)
	}
}
