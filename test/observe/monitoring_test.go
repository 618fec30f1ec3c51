package observe

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

var (
	monitoringOnce sync.Once
	monitoringErr  error
	monitoringDir  string
	procs          []*exec.Cmd
)

func stopMonitoring() {
	for _, p := range procs {
		_ = p.Process.Kill()
		_ = p.Wait()
	}
	if monitoringDir != "" {
		_ = os.RemoveAll(monitoringDir)
	}
}

var (
	gvrNamespaces     = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
	gvrServiceAccount = schema.GroupVersionResource{Version: "v1", Resource: "serviceaccounts"}
	gvrPods           = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
	gvrServices       = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	gvrSlices         = schema.GroupVersionResource{Group: "discovery.k8s.io", Version: "v1", Resource: "endpointslices"}
)

// testRules fire at once: a target that is down (nothing listens on
// port 1), as a warning.
const testRules = `groups:
- name: test
  rules:
  - alert: TestTargetDown
    expr: up{job="nothing-listens"} == 0
    labels:
      severity: warning
    annotations:
      summary: the test's target that nothing serves is down
`

// monitoring starts Prometheus and Alertmanager once for the package and
// exposes them as TKG's Prometheus package does.
func monitoring(t *testing.T) {
	t.Helper()
	monitoringOnce.Do(func() { monitoringErr = startMonitoring(t) })
	if monitoringErr != nil {
		t.Fatalf("starting Prometheus and Alertmanager: %v", monitoringErr)
	}
}

func startMonitoring(t *testing.T) error {
	start := time.Now()
	dir, err := os.MkdirTemp("", "tko-observe-")
	if err != nil {
		return err
	}
	monitoringDir = dir
	// TKO's recommended rules, as the plugin prints them.
	e := suite.New(t)
	rec := e.Kubectl("tko", "observe", "rules", "recommend").Success()
	cfg, err := suite.CP.RESTConfig()
	if err != nil {
		return err
	}
	server, err := url.Parse(suite.CP.Server)
	if err != nil {
		return err
	}
	files := map[string]string{
		"tko-rules.yaml":  rec.Stdout,
		"test-rules.yaml": testRules,
		"token":           cfg.BearerToken,
		"prometheus.yml": fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [%[1]s/tko-rules.yaml, %[1]s/test-rules.yaml]
alerting:
  alertmanagers:
  - static_configs:
    - targets: ["%[2]s:9093"]
scrape_configs:
- job_name: apiserver
  scheme: https
  authorization:
    credentials_file: %[1]s/token
  tls_config:
    ca_file: %[3]s
  static_configs:
  - targets: ["%[4]s"]
- job_name: nothing-listens
  static_configs:
  - targets: ["%[2]s:1"]
`, dir, monitoringIP, suite.CP.CAFile, server.Host),
		"alertmanager.yml": "route:\n  receiver: default\n  group_wait: 1s\n  group_interval: 1s\nreceivers:\n- name: default\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			return err
		}
	}
	logs, err := os.Create(filepath.Join(dir, "monitoring.log"))
	if err != nil {
		return err
	}
	run := func(bin string, args ...string) error {
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = logs, logs
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			return err
		}
		procs = append(procs, cmd)
		return nil
	}
	if err := run(suite.Env["TKO_ALERTMANAGER"], "--config.file="+filepath.Join(dir, "alertmanager.yml"), "--storage.path="+filepath.Join(dir, "am"),
		"--web.listen-address="+monitoringIP+":9093", "--cluster.listen-address="); err != nil {
		return err
	}
	ready := func(u string) error {
		if err := waitHTTP(u, 20*time.Second); err != nil {
			log, _ := os.ReadFile(logs.Name())
			return fmt.Errorf("%w\n%s", err, log)
		}
		return nil
	}
	// Alertmanager first: Prometheus resends what it could not deliver
	// only after --rules.alert.resend-delay.
	if err := ready("http://" + monitoringIP + ":9093/-/ready"); err != nil {
		return err
	}
	if err := run(suite.Env["TKO_PROMETHEUS"], "--config.file="+filepath.Join(dir, "prometheus.yml"), "--storage.tsdb.path="+filepath.Join(dir, "prom"),
		"--web.listen-address="+monitoringIP+":9090", "--rules.alert.resend-delay=1s"); err != nil {
		return err
	}
	if err := expose(); err != nil {
		return err
	}
	if err := ready("http://" + monitoringIP + ":9090/-/ready"); err != nil {
		return err
	}
	t.Logf("Prometheus and Alertmanager ready in %s", time.Since(start).Round(time.Millisecond))
	return nil
}

func waitHTTP(u string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(u)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready within %s: %w", u, timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// expose creates what TKG's Prometheus package leaves in
// tanzu-system-monitoring, pointed at monitoringIP: Pods whose podIP is
// that address, the Services prometheus-server (80 → 9090) and
// alertmanager (80 → 9093), and their EndpointSlices (targetRef to the
// Pod: the API server proxies only to endpoints that name a Pod).
func expose() error {
	ctx := context.Background()
	dyn := suite.Dyn
	const ns = "tanzu-system-monitoring"
	create := func(gvr schema.GroupVersionResource, namespace string, obj map[string]any) (*unstructured.Unstructured, error) {
		u, err := dyn.Resource(gvr).Namespace(namespace).Create(ctx, &unstructured.Unstructured{Object: obj}, metav1.CreateOptions{})
		if err != nil {
			return nil, fmt.Errorf("creating %s: %w", gvr.Resource, err)
		}
		return u, nil
	}
	if _, err := create(gvrNamespaces, "", map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": ns}}); err != nil {
		return err
	}
	if _, err := create(gvrServiceAccount, ns, map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "default"}}); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	for _, c := range []struct {
		name string
		port int64
	}{{"prometheus-server", 9090}, {"alertmanager", 9093}} {
		pod, err := create(gvrPods, ns, map[string]any{"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": c.name + "-0", "labels": map[string]any{"app": c.name}},
			"spec":     map[string]any{"containers": []any{map[string]any{"name": c.name, "image": "projects.registry.vmware.com/tkg/" + c.name}}}})
		if err != nil {
			return err
		}
		now := time.Now().UTC().Format(time.RFC3339)
		pod.Object["status"] = map[string]any{"phase": "Running", "podIP": monitoringIP, "podIPs": []any{map[string]any{"ip": monitoringIP}},
			"conditions":        []any{map[string]any{"type": "Ready", "status": "True", "lastTransitionTime": now}},
			"containerStatuses": []any{map[string]any{"name": c.name, "ready": true, "restartCount": 0, "image": "x", "imageID": "", "state": map[string]any{"running": map[string]any{"startedAt": now}}}}}
		if _, err := dyn.Resource(gvrPods).Namespace(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("writing the pod's IP: %w", err)
		}
		if _, err := create(gvrServices, ns, map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": c.name},
			"spec": map[string]any{"ports": []any{map[string]any{"name": "http", "port": int64(80), "targetPort": c.port, "protocol": "TCP"}}}}); err != nil {
			return err
		}
		if _, err := create(gvrSlices, ns, map[string]any{"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
			"metadata":    map[string]any{"name": c.name + "-tko", "labels": map[string]any{"kubernetes.io/service-name": c.name, "endpointslice.kubernetes.io/managed-by": "tko-test"}},
			"addressType": "IPv4",
			"endpoints": []any{map[string]any{"addresses": []any{monitoringIP}, "conditions": map[string]any{"ready": true},
				"targetRef": map[string]any{"kind": "Pod", "namespace": ns, "name": c.name + "-0", "uid": string(pod.GetUID())}}},
			"ports": []any{map[string]any{"name": "http", "port": c.port, "protocol": "TCP"}}}); err != nil {
			return err
		}
	}
	return nil
}

// eventually reruns a command until check passes or timeout runs out, and
// returns the last result.
func eventually(t *testing.T, timeout time.Duration, cmd func() *harness.Result, check func(*harness.Result) bool) *harness.Result {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := cmd()
		if check(r) || time.Now().After(deadline) {
			return r
		}
		time.Sleep(250 * time.Millisecond)
	}
}
