package harness

// A real Velero server out of cluster and a real S3 store (versitygw) on
// loopback, for the suites that back clusters up (test/backup, test/groups).

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/localcp"
)

// The store's root credentials: a test store on loopback, nothing real.
const (
	VeleroAccessKey = "tkotestaccess"
	VeleroSecretKey = "tkotestsecret0123456789"
	VeleroBucket    = "tko-backups"
)

// Store is a running versitygw over a directory.
type Store struct {
	URL string
	Dir string // the posix backend's root: DIR/BUCKET/backups/NAME/...
}

func FreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Background starts a process that lives as long as the test, its output
// in a log file shown when the test fails.
func Background(t *testing.T, name string, env []string, bin string, args ...string) {
	t.Helper()
	logFile := filepath.Join(t.TempDir(), name+".log")
	out, err := os.Create(logFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = env, out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		out.Close()
		if t.Failed() {
			raw, _ := os.ReadFile(logFile)
			lines := strings.Split(string(raw), "\n")
			t.Logf("last lines of %s's log:\n%s", name, strings.Join(lines[max(0, len(lines)-40):], "\n"))
		}
	})
}

func (s *Suite) Tool(t *testing.T, name string) string {
	t.Helper()
	p := s.Env[name]
	if p == "" {
		t.Fatalf("%s is not set: run hack/tools.sh velero-crds velero velero-plugin-for-aws versitygw", name)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s: %v (build it with hack/tools.sh velero-crds velero velero-plugin-for-aws versitygw)", name, err)
	}
	return p
}

// StartStore runs versitygw on loopback and creates the bucket.
func (s *Suite) StartStore(t *testing.T) Store {
	t.Helper()
	dir := t.TempDir()
	port := FreePort(t)
	st := Store{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Dir: dir}
	Background(t, "versitygw", []string{"HOME=" + t.TempDir()}, s.Tool(t, "TKO_VERSITYGW"),
		"--port", fmt.Sprintf("127.0.0.1:%d", port), "--access", VeleroAccessKey, "--secret", VeleroSecretKey, "--region", "us-east-1", "--quiet", "posix", dir)
	st.MakeBucket(t, VeleroBucket, 20*time.Second)
	return st
}

// MakeBucket creates a bucket through the S3 API (SigV4 by curl), as any
// client makes it, retrying while the store starts.
func (s Store) MakeBucket(t *testing.T, name string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
			"--aws-sigv4", "aws:amz:us-east-1:s3", "--user", VeleroAccessKey+":"+VeleroSecretKey,
			"-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", s.URL+"/"+name).Output()
		if err == nil && string(out) == "200" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not create bucket %s: %v %s", name, err, out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Credentials writes an AWS shared credentials file, 0600.
func Credentials(t *testing.T, access, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials")
	text := fmt.Sprintf("[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n", access, secret)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// InstallVelero installs Velero's CRDs (v1 and the v2alpha1 ones the server
// refuses to start without), its namespace and a Deployment named velero
// with no replicas: a restore ends PartiallyFailed ("deployments.apps
// velero not found") without it.
func (s *Suite) InstallVelero(t *testing.T, e *Env) {
	t.Helper()
	dir := s.Tool(t, "TKO_VELERO_CRDS")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	crds, err := localcp.ReadCRDs(files...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := s.CP.RESTConfig()
	if err != nil {
		t.Fatal(err)
	}
	if err := localcp.InstallCRDs(context.Background(), cfg, crds); err != nil {
		t.Fatal(err)
	}
	e.Kubectl("apply", "-f", "-").Stdin(`
apiVersion: v1
kind: Namespace
metadata: {name: velero}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: velero, namespace: velero}
spec:
  replicas: 0
  selector: {matchLabels: {component: velero}}
  template:
    metadata: {labels: {component: velero}}
    spec: {containers: [{name: velero, image: velero/velero:v1.18.3}]}
`).Success()
}

// StartVelero runs `velero server` out of cluster against the test's
// control plane, with the AWS plugin.
func (s *Suite) StartVelero(t *testing.T, credsFile string) {
	t.Helper()
	HoldVeleroPort(t)
	plugins := s.Tool(t, "TKO_VELERO_PLUGIN_FOR_AWS")
	home := t.TempDir()
	Background(t, "velero", []string{"HOME=" + home, "AWS_SHARED_CREDENTIALS_FILE=" + credsFile, "PATH=/usr/bin:/bin"}, s.Tool(t, "TKO_VELERO"),
		"server", "--kubeconfig", s.CP.Kubeconfig, "--namespace", "velero", "--plugin-dir", plugins,
		"--metrics-address", fmt.Sprintf("127.0.0.1:%d", FreePort(t)), "--profiler-address", fmt.Sprintf("127.0.0.1:%d", FreePort(t)),
		"--store-validation-frequency", "5s", "--backup-sync-period", "10s", "--log-level", "info")
}

// HoldVeleroPort waits for, and holds until the test ends, the machine's
// one Velero: its controller manager binds the metrics port :8080 on every
// address and has no flag to move it, so a second Velero on the machine
// (another checkout's test run) would make this one exit at start.
func HoldVeleroPort(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "kubectl-tko-velero.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Log("waiting for another test run's Velero to stop (it holds :8080)")
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { f.Close() })
	// Something else may hold the port: say so rather than let Velero die.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		l, err := net.Listen("tcp", ":8080")
		if err == nil {
			l.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("port 8080, which Velero's controller manager always binds, is taken: %v", err)
		}
		time.Sleep(time.Second)
	}
}

// WaitScheduledBackup watches Velero's backups for one the schedule made
// (Velero labels it velero.io/schedule-name) until it is Completed; another
// end, or the deadline, fails the test.
func (s *Suite) WaitScheduledBackup(t *testing.T, schedule string, deadline time.Time) *unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	res := s.Dyn.Resource(backup.Backups).Namespace("velero")
	selector := backup.LabelSchedule + "=" + schedule
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.LabelSelector = selector
			return res.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.LabelSelector = selector
			return res.Watch(ctx, o)
		},
	}
	var done *unstructured.Unstructured
	check := func(u *unstructured.Unstructured) (bool, error) {
		switch o := backup.OutcomeOf(u); {
		case o.Phase == backup.PhaseCompleted:
			done = u
			return true, nil
		case o.Done():
			return false, fmt.Errorf("scheduled %s", o.Summary())
		}
		return false, nil
	}
	seen := ""
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{}, func(store cache.Store) (bool, error) {
		for _, item := range store.List() {
			if ok, err := check(item.(*unstructured.Unstructured)); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}, func(ev watch.Event) (bool, error) {
		u, ok := ev.Object.(*unstructured.Unstructured)
		if !ok || ev.Type == watch.Deleted {
			return false, nil
		}
		seen = backup.OutcomeOf(u).Summary()
		return check(u)
	})
	if err != nil {
		if seen == "" {
			seen = "no backup of the schedule yet"
		}
		t.Fatalf("waiting for a backup of schedule %s until %s: %v (last seen: %s)", schedule, deadline.Format(time.TimeOnly), err, seen)
	}
	return done
}
