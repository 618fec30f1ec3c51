package backup_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

func TestSpecForAlwaysExcludesThePlatformNamespaces(t *testing.T) {
	spec, err := backup.SpecFor(backup.ScopeOptions{IncludeNamespaces: []string{"shop"}, ExcludeNamespaces: []string{"scratch", "velero"}, Selector: "app=shop", TTL: 48 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(spec.ExcludedNamespaces, ","); got != "kube-system,scratch,tkg-system,velero,vmware-system-tmc" {
		t.Errorf("excluded: %s", got)
	}
	if spec.TTL != "48h0m0s" || spec.Scope() != "namespaces shop, selector app=shop" {
		t.Errorf("ttl %q scope %q", spec.TTL, spec.Scope())
	}
	full, _ := backup.SpecFor(backup.ScopeOptions{})
	if full.Scope() != "full cluster" {
		t.Errorf("full: %q", full.Scope())
	}
	for _, bad := range []backup.ScopeOptions{{IncludeNamespaces: []string{"kube-system"}}, {IncludeNamespaces: []string{"Shop"}}, {Selector: "a in ("}} {
		var classed errs.Classed
		if _, err := backup.SpecFor(bad); !errors.As(err, &classed) || classed.Class() != errs.ClassInvalid {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

func TestCronIsCheckedAsVeleroDoes(t *testing.T) {
	for expr, ok := range map[string]bool{"0 2 * * *": true, "@daily": true, "@every 6h": true, "*/5 * * * *": true,
		"0 2 * *": false, "61 * * * *": false, "every day": false, "0 0 2 * * *": false} {
		err := backup.ParseCron(expr)
		var cronErr *backup.CronError
		if ok != (err == nil) || (!ok && !errors.As(err, &cronErr)) {
			t.Errorf("%q: %v", expr, err)
		}
	}
}

func TestNamespaceMappings(t *testing.T) {
	m, err := backup.ParseMappings([]string{"shop:shop-restored", "pay:pay-2"})
	if err != nil || m["shop"] != "shop-restored" || m["pay"] != "pay-2" {
		t.Fatalf("%v %v", m, err)
	}
	for _, bad := range [][]string{{"a:x", "b:x"}, {"a:x", "a:y"}, {"a:a"}, {"a"}, {"a:kube-system"}, {"a:Bad_Name"}} {
		if _, err := backup.ParseMappings(bad); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if _, err := backup.ParseMappings([]string{"a:x", "b:x"}); err == nil || !strings.Contains(err.Error(), "collide") {
		t.Errorf("collision: %v", err)
	}
}

func TestOutcomeKeepsVelerosReasons(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{"kind": "Backup", "metadata": map[string]any{"name": "b"},
		"status": map[string]any{"phase": "Failed", "failureReason": "rpc error: code = Unknown desc = AccessDenied\nbucket tko", "errors": int64(2),
			"progress": map[string]any{"totalItems": int64(10), "itemsBackedUp": int64(4)}}}}
	o := backup.OutcomeOf(u)
	if !o.Done() || o.Items != 4 || o.Total != 10 {
		t.Fatalf("%+v", o)
	}
	err := o.Err()
	var failed *backup.FailedError
	if !errors.As(err, &failed) || !strings.Contains(err.Error(), "AccessDenied\nbucket tko") || !strings.Contains(err.Error(), "2 error(s), 0 warning(s) (their messages: kubectl tko cluster backup describe b)") {
		t.Errorf("%v", err)
	}
	_ = unstructured.SetNestedField(u.Object, "Completed", "status", "phase")
	if backup.OutcomeOf(u).Err() != nil {
		t.Error("Completed is no error")
	}
	_ = unstructured.SetNestedField(u.Object, "InProgress", "status", "phase")
	if backup.OutcomeOf(u).Done() {
		t.Error("InProgress is not done")
	}
}

func TestNewLocationKeepsCredentialsInTheSecret(t *testing.T) {
	file := t.TempDir() + "/creds"
	if err := writeFile(file, "[default]\naws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=SECRETEXAMPLE\n"); err != nil {
		t.Fatal(err)
	}
	loc, secret, err := backup.NewLocation(backup.LocationOptions{Name: "default", Namespace: "velero", Provider: "aws", Bucket: "b", S3URL: "http://127.0.0.1:9000", CredentialsFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(toString(loc.Object), "SECRETEXAMPLE") || !strings.Contains(toString(secret.Object), "SECRETEXAMPLE") {
		t.Error("credentials belong in the Secret only")
	}
	if name, _, _ := unstructured.NestedString(loc.Object, "spec", "credential", "name"); name != "default-credentials" {
		t.Errorf("credential ref %q", name)
	}
	if _, _, err := backup.NewLocation(backup.LocationOptions{Name: "x", Bucket: "b", S3URL: "127.0.0.1:9000"}); err == nil {
		t.Error("an s3Url without a scheme is refused")
	}
}

func TestViewsReadVelerosFields(t *testing.T) {
	u := &unstructured.Unstructured{Object: map[string]any{"kind": "Backup", "metadata": map[string]any{"name": "b", "labels": map[string]any{backup.LabelSchedule: "nightly"}},
		"spec":   map[string]any{"includedNamespaces": []any{"shop"}, "storageLocation": "default"},
		"status": map[string]any{"phase": "Completed", "expiration": "2026-05-12T02:00:00Z", "progress": map[string]any{"totalItems": int64(7), "itemsBackedUp": int64(7)}}}}
	b, err := backup.Parse[backup.Backup](u)
	if err != nil {
		t.Fatal(err)
	}
	if b.Status.Phase != "Completed" || b.Status.Expiration == nil || b.Status.Progress.ItemsBackedUp != 7 || b.Labels[backup.LabelSchedule] != "nightly" || b.Spec.Scope() != "namespaces shop" {
		t.Errorf("%+v", b)
	}
}

func TestLocationChange(t *testing.T) {
	loc := func(o backup.LocationOptions) *unstructured.Unstructured {
		t.Helper()
		o.Name, o.Namespace, o.Provider = "default", "velero", "aws"
		u, _, err := backup.NewLocation(o)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	base := backup.LocationOptions{Bucket: "tko", Prefix: "mgmt", S3URL: "https://s3.example.com", Region: "us-east-1", Default: true}
	if change, err := backup.LocationChange(loc(base), loc(base)); err != nil || change != "" {
		t.Errorf("same: %q %v", change, err)
	}
	other := base
	other.Bucket, other.S3URL, other.Default = "dr", "https://s3.dr.example.com", false
	change, err := backup.LocationChange(loc(base), loc(other))
	if err != nil || change != `bucket "tko" (not "dr"), s3Url "https://s3.example.com" (not "https://s3.dr.example.com"), default true (not false)` {
		t.Errorf("other: %q %v", change, err)
	}
}

func TestNewestOfSchedule(t *testing.T) {
	at := func(name, ns, schedule string, ago time.Duration) *backup.Backup {
		b := &backup.Backup{}
		b.Name, b.Namespace = name, ns
		b.CreationTimestamp.Time = time.Date(2026, 4, 12, 12, 0, 0, 0, time.UTC).Add(-ago)
		if schedule != "" {
			b.Labels = map[string]string{backup.LabelSchedule: schedule}
		}
		return b
	}
	list := []*backup.Backup{at("nightly-1", "velero", "nightly", 48*time.Hour), at("nightly-2", "velero", "nightly", 24*time.Hour),
		at("manual", "velero", "", time.Hour), at("nightly-other", "other", "nightly", time.Minute), at("weekly-1", "velero", "weekly", 2*time.Hour)}
	if b := backup.NewestOfSchedule("velero", "nightly", list); b == nil || b.Name != "nightly-2" {
		t.Errorf("%v", b)
	}
	if b := backup.NewestOfSchedule("velero", "hourly", list); b != nil {
		t.Errorf("none: %v", b)
	}
}
