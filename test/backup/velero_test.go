package backup

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// The store's root credentials: a test store on loopback, nothing real.
const (
	accessKey = "tkotestaccess"
	secretKey = "tkotestsecret0123456789"
	bucket    = "tko-backups"
)

// store is a running versitygw over a directory.
type store struct {
	URL string
	Dir string // the posix backend's root: DIR/BUCKET/backups/NAME/...
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// background starts a process that lives as long as the test, its output
// in a log file shown when the test fails.
func background(t *testing.T, name string, env []string, bin string, args ...string) {
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

func tool(t *testing.T, name string) string {
	t.Helper()
	p := suite.Env[name]
	if p == "" {
		t.Fatalf("%s is not set: run hack/tools.sh velero-crds velero velero-plugin-for-aws versitygw", name)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s: %v (build it with hack/tools.sh velero-crds velero velero-plugin-for-aws versitygw)", name, err)
	}
	return p
}

// startStore runs versitygw on loopback and creates the bucket.
func startStore(t *testing.T) store {
	t.Helper()
	dir := t.TempDir()
	port := freePort(t)
	s := store{URL: fmt.Sprintf("http://127.0.0.1:%d", port), Dir: dir}
	background(t, "versitygw", []string{"HOME=" + t.TempDir()}, tool(t, "TKO_VERSITYGW"),
		"--port", fmt.Sprintf("127.0.0.1:%d", port), "--access", accessKey, "--secret", secretKey, "--region", "us-east-1", "--quiet", "posix", dir)
	s.makeBucket(t, bucket, 20*time.Second)
	return s
}

// makeBucket creates a bucket through the S3 API (SigV4 by curl), as any
// client makes it, retrying while the store starts.
func (s store) makeBucket(t *testing.T, name string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out, err := exec.Command("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT",
			"--aws-sigv4", "aws:amz:us-east-1:s3", "--user", accessKey+":"+secretKey,
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

// credentials writes an AWS shared credentials file, 0600.
func credentials(t *testing.T, access, secret string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "credentials")
	text := fmt.Sprintf("[default]\naws_access_key_id=%s\naws_secret_access_key=%s\n", access, secret)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// installVelero installs Velero's CRDs (v1 and the v2alpha1 ones the server
// refuses to start without), its namespace and a Deployment named velero
// with no replicas: a restore ends PartiallyFailed ("deployments.apps
// velero not found") without it.
func installVelero(t *testing.T, e *harness.Env) {
	t.Helper()
	dir := tool(t, "TKO_VELERO_CRDS")
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	crds, err := localcp.ReadCRDs(files...)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := suite.CP.RESTConfig()
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

// startVelero runs `velero server` out of cluster against the test's
// control plane, with the AWS plugin.
func startVelero(t *testing.T, credsFile string) {
	t.Helper()
	harness.HoldVeleroPort(t)
	plugins := tool(t, "TKO_VELERO_PLUGIN_FOR_AWS")
	home := t.TempDir()
	background(t, "velero", []string{"HOME=" + home, "AWS_SHARED_CREDENTIALS_FILE=" + credsFile, "PATH=/usr/bin:/bin"}, tool(t, "TKO_VELERO"),
		"server", "--kubeconfig", suite.CP.Kubeconfig, "--namespace", "velero", "--plugin-dir", plugins,
		"--metrics-address", fmt.Sprintf("127.0.0.1:%d", freePort(t)), "--profiler-address", fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		"--store-validation-frequency", "5s", "--backup-sync-period", "10s", "--log-level", "info")
}

// bucketHas lists the files the store holds under a prefix.
func bucketHas(t *testing.T, s store, prefix string) []string {
	t.Helper()
	var files []string
	root := filepath.Join(s.Dir, bucket, prefix)
	_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, strings.TrimPrefix(p, root+"/"))
		}
		return nil
	})
	return files
}

func contains(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// caFile writes a self-signed CA certificate (PEM) with the given common
// name, as an on-premises store's CA.
func caFile(t *testing.T, cn string) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, IsCA: true, BasicConstraintsValid: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour), KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitScheduledBackup watches Velero's backups for one the schedule made
// (Velero labels it velero.io/schedule-name) until it is Completed; another
// end, or the deadline, fails the test.
func waitScheduledBackup(t *testing.T, schedule string, deadline time.Time) *unstructured.Unstructured {
	t.Helper()
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	res := suite.Dyn.Resource(backup.Backups).Namespace("velero")
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

// newestCompleted names the Completed backup in Velero's namespace that
// completed last.
func newestCompleted(t *testing.T) string {
	t.Helper()
	list, err := suite.Dyn.Resource(backup.Backups).Namespace("velero").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	newest, at := "", time.Time{}
	for i := range list.Items {
		b, err := backup.Parse[backup.Backup](&list.Items[i])
		if err != nil {
			t.Fatal(err)
		}
		if c := b.Status.CompletionTimestamp; b.Status.Phase == backup.PhaseCompleted && c != nil && c.After(at) {
			newest, at = b.Name, c.Time
		}
	}
	return newest
}

// settledScheduledBackup waits until every backup a schedule started has
// ended (Velero's phase is final) and returns the newest, by creation.
func settledScheduledBackup(t *testing.T, schedule string, deadline time.Time) *unstructured.Unstructured {
	t.Helper()
	for {
		list, err := suite.Dyn.Resource(backup.Backups).Namespace("velero").List(context.Background(), metav1.ListOptions{LabelSelector: backup.LabelSchedule + "=" + schedule})
		if err != nil {
			t.Fatal(err)
		}
		var newest *unstructured.Unstructured
		settled := true
		for i := range list.Items {
			item := &list.Items[i]
			settled = settled && backup.OutcomeOf(item).Done()
			if newest == nil || newest.GetCreationTimestamp().Time.Before(item.GetCreationTimestamp().Time) {
				newest = item
			}
		}
		if settled && newest != nil {
			return newest
		}
		if time.Now().After(deadline) {
			t.Fatalf("backups of schedule %s still running at the deadline", schedule)
		}
		time.Sleep(time.Second)
	}
}
