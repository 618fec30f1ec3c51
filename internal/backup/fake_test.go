package backup_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

func veleroObject(kind, name string, status map[string]any, spec map[string]any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "velero.io/v1", "kind": kind,
		"metadata": map[string]any{"name": name, "namespace": "velero", "resourceVersion": "1"}, "spec": spec, "status": status}}
	return u
}

func fake(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return dynamicfake.NewSimpleDynamicClientWithCustomListKinds(runtime.NewScheme(), map[schema.GroupVersionResource]string{
		backup.Backups: "BackupList", backup.Restores: "RestoreList", backup.Locations: "BackupStorageLocationList",
		backup.Schedules: "ScheduleList", backup.DownloadRequests: "DownloadRequestList", backup.DeleteBackupRequests: "DeleteBackupRequestList",
	}, objs...)
}

func TestCheckLocationRefusesUnknownAndUnavailable(t *testing.T) {
	dyn := fake(
		veleroObject("BackupStorageLocation", "default", map[string]any{"phase": "Available"}, map[string]any{"default": true}),
		veleroObject("BackupStorageLocation", "broken", map[string]any{"phase": "Unavailable", "message": "AccessDenied: bucket tko"}, nil))
	ctx := context.Background()
	if l, err := backup.CheckLocation(ctx, dyn, "velero", ""); err != nil || l.Name != "default" {
		t.Fatalf("default: %v %v", l, err)
	}
	var nf *errs.NotFoundError
	if _, err := backup.CheckLocation(ctx, dyn, "velero", "nope"); !errors.As(err, &nf) {
		t.Errorf("unknown: %v", err)
	}
	var un *backup.UnavailableError
	if _, err := backup.CheckLocation(ctx, dyn, "velero", "broken"); !errors.As(err, &un) || !strings.Contains(err.Error(), "AccessDenied: bucket tko") {
		t.Errorf("unavailable: %v", err)
	}
}

func TestCreateRestoreRefusesABackupThatDidNotComplete(t *testing.T) {
	dyn := fake(veleroObject("Backup", "half", map[string]any{"phase": "PartiallyFailed"}, nil))
	r, err := backup.NewRestore("velero", "r", backup.RestoreOptions{Backup: "half"})
	if err != nil {
		t.Fatal(err)
	}
	var nc *backup.NotCompletedError
	if _, err := backup.CreateRestore(context.Background(), dyn, r, false); !errors.As(err, &nc) {
		t.Fatalf("%v", err)
	}
	if list, _ := dyn.Resource(backup.Restores).Namespace("velero").List(context.Background(), metav1ListOptions()); len(list.Items) != 0 {
		t.Error("a restore was created")
	}
}

// The wait ends on Velero's phase change, by watch; a timeout says where
// it stopped and leaves the backup as it is.
func TestWaitFollowsTheBackupByWatch(t *testing.T) {
	b := veleroObject("Backup", "b", map[string]any{"phase": "InProgress", "progress": map[string]any{"totalItems": int64(10), "itemsBackedUp": int64(3)}}, nil)
	dyn := fake(b)
	w := watch.NewFakeWithChanSize(10, false)
	dyn.PrependWatchReactor("backups", clienttesting.DefaultWatchReactor(w, nil))
	go func() {
		done := b.DeepCopy()
		_ = unstructured.SetNestedField(done.Object, "Completed", "status", "phase")
		_ = unstructured.SetNestedField(done.Object, int64(10), "status", "progress", "itemsBackedUp")
		time.Sleep(50 * time.Millisecond)
		w.Modify(done)
	}()
	last, err := wait.For(context.Background(), backup.WaitSpec(dyn, b, 5*time.Second, nil))
	if err != nil || backup.OutcomeOf(last).Phase != "Completed" {
		t.Fatalf("%v %v", last, err)
	}

	dyn = fake(b)
	dyn.PrependWatchReactor("backups", clienttesting.DefaultWatchReactor(watch.NewFakeWithChanSize(10, false), nil))
	_, err = wait.For(context.Background(), backup.WaitSpec(dyn, b, time.Second, nil))
	var timeout *errs.TimeoutError
	if !errors.As(err, &timeout) || !strings.Contains(err.Error(), "backup b InProgress, 3/10 items") {
		t.Fatalf("%v", err)
	}
}

func TestReadHealthFindsTheNewestGoodBackup(t *testing.T) {
	now := time.Date(2026, 4, 12, 12, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) string { return now.Add(-ago).Format(time.RFC3339) }
	dyn := fake(
		veleroObject("BackupStorageLocation", "default", map[string]any{"phase": "Available"}, nil),
		veleroObject("BackupStorageLocation", "dr", map[string]any{"phase": "Unavailable"}, nil),
		veleroObject("Backup", "old", map[string]any{"phase": "Completed", "completionTimestamp": at(30 * time.Hour)}, nil),
		veleroObject("Backup", "new", map[string]any{"phase": "Completed", "completionTimestamp": at(2 * time.Hour)}, nil),
		veleroObject("Backup", "broke", map[string]any{"phase": "PartiallyFailed", "completionTimestamp": at(time.Hour)}, nil),
		veleroObject("Backup", "ancient-failure", map[string]any{"phase": "Failed", "completionTimestamp": at(48 * time.Hour)}, nil),
		veleroObject("Schedule", "weekly", map[string]any{"phase": "Enabled"}, map[string]any{"paused": true, "schedule": "@weekly"}),
	)
	h, err := backup.ReadHealth(context.Background(), dyn, "velero", now, 26*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if h.LastSuccess != "new" || !h.WithinMaxAge || h.Available != 1 || h.Locations != 2 || strings.Join(h.Unavailable, ",") != "dr" ||
		strings.Join(h.FailedLastDay, ",") != "broke" || strings.Join(h.Paused, ",") != "weekly" || h.Velero != "" {
		t.Errorf("%+v", h)
	}
	if h, _ := backup.ReadHealth(context.Background(), dyn, "velero", now, time.Hour); h.WithinMaxAge {
		t.Error("2h old is not within 1h")
	}
}
