package seed

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/yamldoc"
)

// VeleroObjects are Velero as Tanzu Mission Control's data protection
// leaves it on a cluster, in recorded states (no Velero server runs here:
// each status is what Velero v1.18 writes): an Available and an
// Unavailable location, nightly backups of a schedule, a partially failed
// and a failed backup, a paused schedule and a completed restore.
func VeleroObjects(now time.Time) []*unstructured.Unstructured {
	at := func(ago time.Duration) string { return now.Add(-ago).UTC().Format(time.RFC3339) }
	const ns = "velero"
	excluded := []any{"kube-system", "tkg-system", "velero", "vmware-system-tmc"}
	backup := func(name, schedule string, ago time.Duration, spec, status map[string]any) map[string]any {
		labels := map[string]any{}
		if schedule != "" {
			labels["velero.io/schedule-name"] = schedule
		}
		spec["excludedNamespaces"], spec["storageLocation"], spec["ttl"] = excluded, "default", "720h0m0s"
		status["startTimestamp"], status["completionTimestamp"] = at(ago), at(ago-2*time.Minute)
		status["expiration"] = at(ago - 720*time.Hour)
		status["version"], status["formatVersion"] = int64(1), "1.1.0"
		return obj("velero.io/v1", "Backup", ns, name, labels, map[string]any{"spec": spec, "status": status})
	}
	progress := func(done, total int64) map[string]any {
		return map[string]any{"itemsBackedUp": done, "totalItems": total}
	}
	objs := []map[string]any{
		obj("v1", "Namespace", "", ns, nil, nil),
		obj("apps/v1", "Deployment", ns, "velero", map[string]any{"component": "velero"}, map[string]any{"spec": map[string]any{
			"replicas": int64(0), "selector": map[string]any{"matchLabels": map[string]any{"component": "velero"}},
			"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"component": "velero"}},
				"spec": map[string]any{"containers": []any{map[string]any{"name": "velero", "image": "projects.registry.vmware.com/tkg/velero/velero:v1.18.3"}}}}}}),
		obj("velero.io/v1", "BackupStorageLocation", ns, "default", nil, map[string]any{
			"spec": map[string]any{"provider": "aws", "default": true, "objectStorage": map[string]any{"bucket": "tko-backups", "prefix": "mgmt"},
				"config":     map[string]any{"region": "us-east-1", "s3Url": "https://s3.tko.example.com", "s3ForcePathStyle": "true"},
				"credential": map[string]any{"name": "default-credentials", "key": "cloud"}},
			"status": map[string]any{"phase": "Available", "lastValidationTime": at(40 * time.Second)}}),
		obj("velero.io/v1", "BackupStorageLocation", ns, "dr-site", nil, map[string]any{
			"spec": map[string]any{"provider": "aws", "objectStorage": map[string]any{"bucket": "tko-dr"},
				"config": map[string]any{"region": "us-west-2", "s3Url": "https://s3.dr.example.com", "s3ForcePathStyle": "true"}},
			"status": map[string]any{"phase": "Unavailable", "lastValidationTime": at(40 * time.Second),
				"message": `BackupStorageLocation "dr-site" is unavailable: rpc error: code = Unknown desc = operation error S3: ListObjectsV2, https response error StatusCode: 403, api error InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.`}}),
		obj("velero.io/v1", "Schedule", ns, "nightly", nil, map[string]any{
			"spec":   map[string]any{"schedule": "0 2 * * *", "template": map[string]any{"excludedNamespaces": excluded, "ttl": "720h0m0s"}},
			"status": map[string]any{"phase": "Enabled", "lastBackup": at(8 * time.Hour)}}),
		obj("velero.io/v1", "Schedule", ns, "weekly-full", nil, map[string]any{
			"spec":   map[string]any{"schedule": "0 3 * * 0", "paused": true, "template": map[string]any{"excludedNamespaces": excluded, "ttl": "2160h0m0s"}},
			"status": map[string]any{"phase": "Enabled", "lastBackup": at(9 * 24 * time.Hour)}}),
		backup("nightly-"+now.Add(-32*time.Hour).UTC().Format("20060102")+"020000", "nightly", 32*time.Hour, map[string]any{},
			map[string]any{"phase": "Completed", "progress": progress(412, 412)}),
		backup("nightly-"+now.Add(-8*time.Hour).UTC().Format("20060102")+"020000", "nightly", 8*time.Hour, map[string]any{},
			map[string]any{"phase": "Completed", "progress": progress(418, 418), "warnings": int64(1)}),
		backup("shop-0412", "", 5*time.Hour, map[string]any{"includedNamespaces": []any{"shop"}},
			map[string]any{"phase": "PartiallyFailed", "progress": progress(37, 39), "errors": int64(2), "warnings": int64(3)}),
		backup("pre-upgrade", "", 3*time.Hour, map[string]any{"labelSelector": map[string]any{"matchLabels": map[string]any{"app": "payments"}}},
			map[string]any{"phase": "Failed", "failureReason": "error checking if backup already exists in object storage: rpc error: code = Unknown desc = operation error S3: HeadObject, https response error StatusCode: 403, api error Forbidden: Forbidden"}),
		obj("velero.io/v1", "Restore", ns, "shop-0412-20260412101500", nil, map[string]any{
			"spec": map[string]any{"backupName": "shop-0412", "namespaceMapping": map[string]any{"shop": "shop-restored"}},
			"status": map[string]any{"phase": "Completed", "startTimestamp": at(4 * time.Hour), "completionTimestamp": at(4*time.Hour - time.Minute),
				"progress": map[string]any{"itemsRestored": int64(37), "totalItems": int64(37)}, "warnings": int64(4)}}),
	}
	out := make([]*unstructured.Unstructured, len(objs))
	for i, m := range objs {
		out[i] = &unstructured.Unstructured{Object: yamldoc.Normalize(m).(map[string]any)}
	}
	return out
}

// ApplyVelero seeds Velero's recorded objects (its CRDs must be installed).
// Velero's CRDs have no status subresource (Velero writes status with the
// object), so each object is applied whole, status included.
func ApplyVelero(ctx context.Context, cfg *rest.Config) error {
	a, err := NewApplier(cfg)
	if err != nil {
		return err
	}
	force := true
	for _, obj := range VeleroObjects(time.Now()) {
		client, err := a.Resource(obj)
		if err == nil {
			var raw []byte
			if raw, err = obj.MarshalJSON(); err == nil {
				_, err = client.Patch(ctx, obj.GetName(), types.ApplyPatchType, raw, metav1.PatchOptions{FieldManager: FieldManager, Force: &force})
			}
		}
		if err != nil {
			return fmt.Errorf("seeding Velero's %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
	}
	return nil
}
