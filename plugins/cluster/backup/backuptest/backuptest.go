// Package backuptest gives the tests of the backup and restore verbs the
// seeded estate with Velero at work: its recorded objects, a server that
// signs DownloadRequests and an object store holding the logs and results.
package backuptest

import (
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli/clitest"
)

// Restore is the seeded restore, of backup shop-0412.
const Restore = "shop-0412-20260412101500"

// Stored is the object store: a file by Velero's target kind and name.
func Stored() map[string]string {
	return map[string]string{
		"BackupLog/shop-0412":       "time=\"2026-04-12T10:00:01Z\" level=info msg=\"Backing up item\" backup=velero/shop-0412 resource=pods\n",
		"BackupResults/shop-0412":   `{"errors":{"namespaces":{"shop":["error executing custom action: volume snapshot failed"]}},"warnings":{"velero":["2 pods not ready"]}}`,
		"RestoreLog/" + Restore:     "time=\"2026-04-12T10:15:02Z\" level=info msg=\"Restoring resource\" restore=velero/" + Restore + "\n",
		"RestoreResults/" + Restore: `{"warnings":{"namespaces":{"shop-restored":["could not restore, ConfigMap already exists"]}}}`,
	}
}

// Velero is the seeded estate with Velero's objects (seed.VeleroObjects)
// and its server at work: each backup and restore completes at once, each
// DownloadRequest is processed at once with a URL into an object store of
// Stored files.
func Velero(t testing.TB) *clitest.Server {
	t.Helper()
	s := clitest.Estate(t)
	s.SeedVelero()
	files := Stored()
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := files[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		gz := gzip.NewWriter(w)
		_, _ = gz.Write([]byte(body))
		_ = gz.Close()
	}))
	t.Cleanup(store.Close)
	s.After("create", "downloadrequests", func(r clitest.Request) {
		u := r.Object
		kind, _, _ := unstructured.NestedString(u.Object, "spec", "target", "kind")
		name, _, _ := unstructured.NestedString(u.Object, "spec", "target", "name")
		u.Object["status"] = map[string]any{"phase": "Processed", "downloadURL": store.URL + "/" + kind + "/" + name,
			"expiration": time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)}
		s.Add(u)
	})
	for _, resource := range []string{"backups", "restores"} {
		s.After("create", resource, func(r clitest.Request) {
			u := r.Object
			now := time.Now().UTC().Format(time.RFC3339)
			u.Object["status"] = map[string]any{"phase": "Completed", "startTimestamp": now, "completionTimestamp": now,
				"progress": map[string]any{"itemsBackedUp": int64(12), "itemsRestored": int64(12), "totalItems": int64(12)}}
			s.Add(u)
		})
	}
	return s
}

// Stopped is Velero whose Deployment wants a replica and has none
// available: nothing would sign a download URL.
func Stopped(t testing.TB) *clitest.Server {
	t.Helper()
	s := Velero(t)
	d := s.Object("deployments", "velero", "velero")
	d.Object["spec"].(map[string]any)["replicas"] = int64(1)
	d.Object["status"] = map[string]any{"replicas": int64(1), "unavailableReplicas": int64(1)}
	s.Add(d)
	return s
}
