package backup_test

import (
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
)

// velero answers every DownloadRequest at once with a URL of the store, as
// the Velero server does with a signed one.
func velero(store string) clienttesting.ReactionFunc {
	return func(action clienttesting.Action) (bool, runtime.Object, error) {
		u := action.(clienttesting.CreateAction).GetObject().(*unstructured.Unstructured)
		u.SetName(u.GetGenerateName() + "x")
		target, _, _ := unstructured.NestedString(u.Object, "spec", "target", "kind")
		name, _, _ := unstructured.NestedString(u.Object, "spec", "target", "name")
		_ = unstructured.SetNestedField(u.Object, "Processed", "status", "phase")
		_ = unstructured.SetNestedField(u.Object, store+"/tko-backups/"+target+"/"+name+"?X-Amz-Signature=s3cr3t", "status", "downloadURL")
		return false, nil, nil // the tracker stores it
	}
}

// The results file is read through the location's CA, as Velero's own
// client does; without it, the error says the certificate is not trusted
// and how to fix it, never the signed URL.
func TestFetchResultsTrustsTheLocationsCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/RestoreResults/again") {
			http.NotFound(w, r)
			return
		}
		gz := gzip.NewWriter(w)
		_, _ = gz.Write([]byte(`{"errors":{},"warnings":{"namespaces":{"shop":["could not restore, ConfigMap:shop-config already exists"]},"velero":["v"]}}`))
		_ = gz.Close()
	}))
	defer srv.Close()
	ca := base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	objects := func(caCert string) []runtime.Object {
		storage := map[string]any{"bucket": "tko-backups"}
		if caCert != "" {
			storage["caCert"] = caCert
		}
		return []runtime.Object{
			veleroObject("BackupStorageLocation", "onprem", map[string]any{"phase": "Available"}, map[string]any{"provider": "aws", "objectStorage": storage}),
			veleroObject("Backup", "shop", map[string]any{"phase": "Completed"}, map[string]any{"storageLocation": "onprem"}),
			veleroObject("Restore", "again", map[string]any{"phase": "Completed", "warnings": int64(2)}, map[string]any{"backupName": "shop"}),
		}
	}
	ctx := context.Background()

	dyn := fake(objects(ca)...)
	dyn.PrependReactor("create", "downloadrequests", velero(srv.URL))
	res, err := backup.FetchResults(ctx, dyn, "Restore", "velero", "again", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Errors.Empty() || len(res.Warnings.Namespaces["shop"]) != 1 || strings.Join(res.Warnings.Velero, ",") != "v" {
		t.Errorf("%+v", res)
	}
	if list, _ := dyn.Resource(backup.DownloadRequests).Namespace("velero").List(ctx, metav1ListOptions()); len(list.Items) != 0 {
		t.Error("the download request was left behind")
	}

	dyn = fake(objects("")...)
	dyn.PrependReactor("create", "downloadrequests", velero(srv.URL))
	_, err = backup.FetchResults(ctx, dyn, "Restore", "velero", "again", 5*time.Second)
	var untrusted *backup.StoreUntrustedError
	if !errors.As(err, &untrusted) || !strings.Contains(err.Error(), "give backup storage location onprem the CA") || strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("%v", err)
	}

	dyn = fake(objects(ca)...)
	dyn.PrependReactor("create", "downloadrequests", velero(srv.URL))
	var log strings.Builder
	if err := backup.Logs(ctx, dyn, "Restore", "velero", "again", 5*time.Second, &log); err == nil || !strings.Contains(err.Error(), "Velero has not uploaded it yet") {
		t.Errorf("a missing log: %v", err)
	}
}

func TestDescribeCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	cert := srv.Certificate()
	raw := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw})
	if got := backup.DescribeCA(raw, time.Now()); !strings.Contains(got, "O=Acme Co") || !strings.Contains(got, "expires "+cert.NotAfter.UTC().Format(time.DateOnly)) {
		t.Errorf("%q", got)
	}
	if got := backup.DescribeCA(raw, cert.NotAfter.Add(time.Hour)); !strings.Contains(got, "EXPIRED") {
		t.Errorf("expired: %q", got)
	}
	if got := backup.DescribeCA([]byte("not pem"), time.Now()); got != "7 bytes, no PEM certificate in them" {
		t.Errorf("%q", got)
	}
	if backup.DescribeCA(nil, time.Now()) != "" {
		t.Error("none")
	}
}

// With Velero's Deployment down, reading what Velero recorded fails at once
// with the reason, and no DownloadRequest is left or even made; where the
// Deployment is up, scaled to zero or cannot be seen, the request is made
// as before.
func TestDownloadsNeedARunningVeleroServer(t *testing.T) {
	deployment := func(desired, available int64) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
			"metadata": map[string]any{"name": "velero", "namespace": "velero"},
			"spec":     map[string]any{"replicas": desired}, "status": map[string]any{"availableReplicas": available}}}
	}
	objects := []runtime.Object{
		veleroObject("Backup", "shop", map[string]any{"phase": "PartiallyFailed"}, map[string]any{"storageLocation": "onprem"}),
	}
	ctx := context.Background()
	dyn := fake(append(objects, deployment(1, 0))...)
	made := 0
	dyn.PrependReactor("create", "downloadrequests", func(clienttesting.Action) (bool, runtime.Object, error) { made++; return false, nil, nil })
	start := time.Now()
	_, err := backup.FetchResults(ctx, dyn, "Backup", "velero", "shop", 5*time.Second)
	var down *backup.NotRunningError
	if !errors.As(err, &down) || !strings.Contains(err.Error(), "Deployment velero/velero has no available replica of 1") || made != 0 {
		t.Errorf("err %v, %d requests made", err, made)
	}
	if time.Since(start) > time.Second {
		t.Errorf("took %s: it waited for a signature that cannot come", time.Since(start))
	}

	for name, dyn := range map[string]*dynamicfake.FakeDynamicClient{
		"up": fake(append(objects, deployment(1, 1))...), "scaled to zero (a server run elsewhere)": fake(append(objects, deployment(0, 0))...), "not seen": fake(objects...),
	} {
		made = 0
		dyn.PrependReactor("create", "downloadrequests", func(clienttesting.Action) (bool, runtime.Object, error) { made++; return false, nil, nil })
		_, err := backup.FetchResults(ctx, dyn, "Backup", "velero", "shop", 100*time.Millisecond)
		if made != 1 || errors.As(err, &down) {
			t.Errorf("%s: %d requests, err %v", name, made, err)
		}
	}
}
