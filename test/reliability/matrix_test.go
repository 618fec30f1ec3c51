package reliability

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/groups"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// The figure: every case run, and what went wrong.
var figure struct {
	cases, failures, leakedObjects, leakedSecrets atomic.Int64
}

// Lines that must never reach the user: stack traces, Go panics, client-go
// log lines (klog's "E1126 10:00:00.000000 ..."), cobra's usage dump.
var forbidden = regexp.MustCompile(`(?m)^(goroutine \d+|panic:|[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+|Usage:)`)

func check(t *testing.T, r *harness.Result, code int, says string) {
	t.Helper()
	figure.cases.Add(1)
	lines := strings.Split(strings.TrimRight(r.Stderr, "\n"), "\n")
	var problems []string
	if r.Code != code {
		problems = append(problems, fmt.Sprintf("exit code %d, want %d", r.Code, code))
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") {
		problems = append(problems, "stderr is not one error line")
	}
	if !strings.Contains(r.Stderr, says) {
		problems = append(problems, fmt.Sprintf("stderr does not say %q", says))
	}
	if forbidden.MatchString(r.Stderr + r.Stdout) {
		problems = append(problems, "a stack trace, log line or usage dump reached the user")
	}
	if len(problems) > 0 {
		figure.failures.Add(1)
		t.Errorf("%s: %s\nstdout:\n%s\nstderr:\n%s", r.Line(), strings.Join(problems, "; "), r.Stdout, r.Stderr)
	}
}

var clustersGVR = schema.GroupVersionResource{Group: "cluster.x-k8s.io", Version: "v1beta2", Resource: "clusters"}

// versions lists every Cluster's resourceVersion: the state a faulted
// command must leave as it was.
func versions(t *testing.T) map[string]string {
	t.Helper()
	list, err := suite.Dyn.Resource(clustersGVR).List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range list.Items {
		out[u.GetNamespace()+"/"+u.GetName()] = u.GetResourceVersion()
	}
	return out
}

// TestConnectionFaults runs every command against every fault.
func TestConnectionFaults(t *testing.T) {
	e := suite.New(t)
	before := versions(t)
	for _, f := range faults(t) {
		t.Run(f.Name, func(t *testing.T) {
			for _, c := range Commands {
				want := Expect{Code: f.Code, Says: f.Says}
				if u, ok := c.Unlike[f.Name]; ok {
					want = u
				}
				if want.Skip {
					continue
				}
				args := append(append(append([]string{}, c.Args...), "--kubeconfig", f.Kubeconfig), f.Flags...)
				check(t, e.Plugin(c.Binary, args...).Run(), want.Code, want.Says)
			}
		})
	}
	after := versions(t)
	for k, v := range before {
		if after[k] != v {
			figure.leakedObjects.Add(1)
			t.Errorf("cluster %s changed under a fault (resourceVersion %s -> %s)", k, v, after[k])
		}
	}
	if len(after) != len(before) {
		figure.leakedObjects.Add(int64(len(after) - len(before)))
		t.Errorf("clusters before %d, after %d", len(before), len(after))
	}
}

const marker = "tko-planted-secret-5f3a9c"

// plant puts the marker into every kind of Secret the commands may read:
// a package's values, a workload cluster's kubeconfig (as an extra user),
// a cluster CA's private key, the AKO controller's credentials, a backup
// storage location's credentials.
func plant(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	secrets := suite.Dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "secrets"})
	values, err := secrets.Namespace("tanzu-packages").Get(ctx, "contour-tanzu-packages-values", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(values.Object, base64.StdEncoding.EncodeToString([]byte("password: "+marker+"\n")), "data", "values.yaml")
	if _, err := secrets.Namespace("tanzu-packages").Update(ctx, values, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	kc, err := secrets.Namespace("default").Get(ctx, "wc-prod-1-kubeconfig", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	encoded, _, _ := unstructured.NestedString(kc.Object, "data", "value")
	raw, _ := base64.StdEncoding.DecodeString(encoded)
	cfg, err := clientcmd.Load(raw)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AuthInfos["planted"] = &clientcmdapi.AuthInfo{Token: marker}
	raw, err = clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	_ = unstructured.SetNestedField(kc.Object, base64.StdEncoding.EncodeToString(raw), "data", "value")
	if _, err := secrets.Namespace("default").Update(ctx, kc, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A cluster CA's private key, beside the certificate that is read.
	ca, err := secrets.Namespace("default").Get(ctx, "wc-prod-1-ca", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key := "-----BEGIN EC PRIVATE KEY-----\n" + base64.StdEncoding.EncodeToString([]byte(marker)) + "\n" + marker + "\n-----END EC PRIVATE KEY-----\n"
	_ = unstructured.SetNestedField(ca.Object, base64.StdEncoding.EncodeToString([]byte(key)), "data", "tls.key")
	if _, err := secrets.Namespace("default").Update(ctx, ca, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "tkg-system-networking"}}}
	_, _ = suite.Dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, ns, metav1.CreateOptions{})
	ako := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": "avi-controller-credentials", "namespace": "tkg-system-networking"},
		"stringData": map[string]any{"username": "admin", "password": marker}}}
	if _, err := secrets.Namespace("tkg-system-networking").Create(ctx, ako, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// A cluster group whose package intent keeps its values in the group's
	// values Secret, as 'group attach ... package --values' stores them.
	plantGroup(ctx, t)
	// The credentials of the seeded backup storage location.
	velero := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": "default-credentials", "namespace": "velero"},
		"stringData": map[string]any{"cloud": "[default]\naws_access_key_id=tko\naws_secret_access_key=" + marker + "\n"}}}
	if _, err := secrets.Namespace("velero").Create(ctx, velero, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// plantGroup stores group "prod" (the clusters of plan prod) with a
// package intent whose values hold the marker.
func plantGroup(ctx context.Context, t *testing.T) {
	t.Helper()
	key := &groups.SecretKey{Secret: groups.ValuesSecretName("prod"), Key: "package.contour"}
	g := &groups.Group{Name: "prod", Selector: "tkg.tanzu.vmware.com/cluster-name=wc-prod-1", Intents: []groups.Intent{{
		Kind: groups.KindPackage, Name: "contour", SyncPeriod: "1m",
		Package: &groups.PackageIntent{RefName: "contour.tanzu.vmware.com", Version: "1.26.1+vmware.1-tkg.1", Constraint: "1.26.1+vmware.1-tkg.1", Namespace: "tanzu-packages", ValuesFrom: key},
	}}}
	ns := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": groups.Namespace}}}
	_, _ = suite.Dyn.Resource(groups.Namespaces).Create(ctx, ns, metav1.CreateOptions{})
	values := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Secret",
		"metadata":   map[string]any{"name": key.Secret, "namespace": groups.Namespace},
		"stringData": map[string]any{key.Key: "password: " + marker + "\n"}}}
	if _, err := suite.Dyn.Resource(groups.Secrets).Namespace(groups.Namespace).Create(ctx, values, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := suite.Dyn.Resource(groups.ConfigMaps).Namespace(groups.Namespace).Create(ctx, g.ConfigMap(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestNoSecretLeaks runs every command with every output format and the
// highest log level and looks for the planted marker everywhere.
func TestNoSecretLeaks(t *testing.T) {
	e := suite.New(t)
	plant(t)
	noLeak := func(t *testing.T, r *harness.Result) {
		t.Helper()
		figure.cases.Add(1)
		if strings.Contains(r.Stdout+r.Stderr, marker) {
			figure.leakedSecrets.Add(1)
			t.Errorf("%s printed a planted secret", r.Line())
		}
	}
	for _, c := range Commands {
		variants := [][]string{{"-v=9"}}
		if c.Prints {
			variants = append(variants, []string{"-o", "json"}, []string{"-o", "yaml"}, []string{"-o", "wide", "-v=9"})
		}
		for _, v := range variants {
			noLeak(t, e.Plugin(c.Binary, append(append([]string{}, c.Args...), v...)...).Run())
		}
	}
	// Fleet views read each workload cluster's kubeconfig Secret.
	noLeak(t, e.Plugin("kubectl-tko-lb", "services", "-A", "--all-workload-clusters", "-o", "yaml", "-v=9").Run())
	noLeak(t, e.Plugin("kubectl-tko-cluster", "audit", "-A", "-o", "json", "-v=9").Run())
	noLeak(t, e.Plugin("kubectl-tko-cluster", "inspect", "certs", "-A", "--include-management-cluster", "-o", "json", "-v=9").Run())
	noLeak(t, e.Plugin("kubectl-tko-cluster", "inspect", "security", "--all-workload-clusters", "-o", "json", "-v=9").Run())
	noLeak(t, e.Plugin("kubectl-tko-cluster", "inspect", "-A", "-o", "json", "-v=9").Run())
	noLeak(t, e.Plugin("kubectl-tko-cluster", "backup", "location", "get", "default", "--all-workload-clusters", "-o", "yaml", "-v=9").Run())
	// A vSphere password in a cluster configuration never reaches the Cluster.
	flat := filepath.Join(t.TempDir(), "wc.yaml")
	raw, err := os.ReadFile(filepath.Join(suite.Root, "test", "testdata", "wc-new.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(flat, append(raw, []byte("\nVSPHERE_PASSWORD: "+marker+"\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{"yaml", "json"} {
		noLeak(t, e.Plugin("kubectl-tko-cluster", "create", "-f", flat, "--dry-run", "-o", o).Run())
	}
	// Asked for by name, the values are shown: that is the one exception.
	if r := e.Plugin("kubectl-tko-package", "installed", "get", "contour", "-n", "tanzu-packages", "--values").Run(); !strings.Contains(r.Stdout, marker) {
		t.Errorf("installed get --values must show the values it was asked for:\n%s%s", r.Stdout, r.Stderr)
	}
	// Files that can hold a credential are readable by their owner only,
	// new and pre-existing alike.
	out := filepath.Join(t.TempDir(), "admin.yaml")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.Plugin("kubectl-tko-cluster", "kubeconfig", "get", "wc-prod-1", "--admin", "--export-file", out).Run().Success()
	figure.cases.Add(1)
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		figure.failures.Add(1)
		t.Errorf("%s: mode %v, want 0600 (%v)", out, st.Mode().Perm(), err)
	}
}

// TestBadInput: malformed and truncated files, wrong kinds, unknown names.
func TestBadInput(t *testing.T) {
	e := suite.New(t)
	dir := t.TempDir()
	file := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := file("truncated.yaml", "CLUSTER_NAME: wc-x\nVSPHERE_SERVER: [vcsa\n")
	wrongKind := file("kind.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
	huge := file("huge.yaml", strings.Repeat("# padding\n", 200000)+"CLUSTER_NAME: [\n")
	cases := []struct {
		args []string
		code int
		says string
	}{
		{[]string{"kubectl-tko-cluster", "create", "-f", truncated}, 2, "truncated.yaml:2"},
		{[]string{"kubectl-tko-cluster", "create", "-f", wrongKind}, 2, "expected a cluster.x-k8s.io Cluster or a TKG cluster configuration"},
		{[]string{"kubectl-tko-cluster", "create", "-f", huge}, 2, "huge.yaml:200002"},
		{[]string{"kubectl-tko-cluster", "create", "-f", filepath.Join(dir, "missing.yaml")}, 2, "missing.yaml"},
		{[]string{"kubectl-tko-cluster", "describe", "wc-nope"}, 3, `"wc-nope" not found`},
		{[]string{"kubectl-tko-package", "apply", "-f", truncated}, 2, "truncated.yaml:2"},
		// This estate runs no kapp-controller: its Package API is missing.
		{[]string{"kubectl-tko-package", "install", "x", "-p", "nope.tanzu.vmware.com", "-n", "tanzu-packages"}, 3, "is kapp-controller running?"},
		{[]string{"kubectl-tko-lb", "adc", "create", "-f", truncated}, 2, "truncated.yaml:2"},
		{[]string{"kubectl-tko-lb", "adc", "create", "-f", wrongKind}, 2, "expected networking.tkg.tanzu.vmware.com AKODeploymentConfig"},
		{[]string{"kubectl-tko-lb", "adc", "get", "nope"}, 3, `AKODeploymentConfig "nope" not found`},
		{[]string{"kubectl-tko-lb", "status", "wc-nope"}, 3, `cluster "wc-nope" not found`},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "--plan", truncated}, 2, "truncated.yaml:2"},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "--plan", wrongKind}, 2, "kind.yaml:2: kind: not an UpgradePlan"},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "--plan", filepath.Join(dir, "missing.yaml")}, 2, "missing.yaml"},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "wc-prod-1", "--to", "v1.99.0---vmware.1-tkg.1"}, 3, "v1.99.0---vmware.1-tkg.1"},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "wc-prod-1", "--to", "v1.29.9---vmware.1-tkg.1"}, 2, "older than default/wc-prod-1"},
		{[]string{"kubectl-tko-cluster", "upgrade", "apply", "--resume", "--state-namespace", "kube-public"}, 3, "no upgrade run in namespace kube-public"},
		{[]string{"kubectl-tko-cluster", "group", "create", "edge", "--selector", "site in (a"}, 2, `--selector "site in (a" does not parse`},
		{[]string{"kubectl-tko-cluster", "group", "get", "nope"}, 3, `cluster group "nope" not found`},
		{[]string{"kubectl-tko-cluster", "group", "attach", "nope", "stack", "-f", truncated}, 2, "truncated.yaml:2"},
		{[]string{"kubectl-tko-cluster", "group", "attach", "nope", "package", "contour", "-p", "contour.tanzu.vmware.com", "--values-file", filepath.Join(dir, "missing.yaml")}, 2, "missing.yaml"},
	}
	for _, c := range cases {
		check(t, e.Plugin(c.args[0], c.args[1:]...).Run(), c.code, c.says)
	}
}
