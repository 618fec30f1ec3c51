package backup

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/backup"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cli"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/cmdutil"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/explain"
	clusterplugin "github.com/vmware-tanzu-labs/kubectl-tko/plugins/cluster"
	"github.com/vmware-tanzu-labs/kubectl-tko/test/harness"
)

// TestWithoutVelero runs first, before TestWithVelero installs Velero's
// CRDs on the shared control plane: a cluster without them is told so.
func TestWithoutVelero(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "cluster", "backup", "list").ExitCode(explain.ExitNotFound).
		OneLineError("this cluster does not serve velero.io: is Velero installed?")
	e.Kubectl("tko", "cluster", "backup", "location", "list", "--all-workload-clusters").Success().
		StdoutContains("default/wc-prod-1\tError: this cluster does not serve velero.io")
}

// TestBadInputBeforeAnyConnection: refused flag values are one line, exit 2,
// and nothing is sent.
func TestBadInputBeforeAnyConnection(t *testing.T) {
	e := suite.New(t)
	e.Kubectl("tko", "cluster", "backup", "schedule", "create", "nightly", "--schedule", "0 2 * *").ExitCode(explain.ExitUsage).
		OneLineError(`--schedule: invalid cron expression "0 2 * *"`)
	e.Kubectl("tko", "cluster", "backup", "create", "b", "--include-namespaces", "shop,kube-system").ExitCode(explain.ExitUsage).
		OneLineError("--include-namespaces: namespace kube-system is never backed up (excluded: kube-system, velero, tkg-system, vmware-system-tmc)")
	e.Kubectl("tko", "cluster", "restore", "create", "--from-backup", "b", "--namespace-mappings", "a:x,b:x").ExitCode(explain.ExitUsage).
		OneLineError("namespace mappings collide: a and b both map to x")
	e.Kubectl("tko", "cluster", "backup", "create", "b", "--selector", "app in (").ExitCode(explain.ExitUsage)
	r := e.Kubectl("tko", "cluster", "backup", "create", "--help").Success()
	r.StdoutContains("kube-system, velero, tkg-system, vmware-system-tmc are never backed up")
}

var (
	configmaps = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}
	secretsGVR = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
)

// TestWithVelero drives a real Velero server through the plugin: the
// location turns Available, a namespace is backed up and restored into a
// new namespace, logs and schedules work, bad input fails in one line.
func TestWithVelero(t *testing.T) {
	e := suite.New(t)
	start := time.Now()
	s := suite.StartStore(t)
	suite.InstallVelero(t, e)
	creds := harness.Credentials(t, harness.VeleroAccessKey, harness.VeleroSecretKey)

	// The location through the plugin: the credentials go into a Secret and
	// are never printed, even at -v=9 (client-go logs bodies from 8).
	r := e.Kubectl("tko", "cluster", "backup", "location", "add", "default", "--bucket", harness.VeleroBucket, "--s3-url", s.URL,
		"--region", "us-east-1", "--credentials-file", creds, "--default", "-v=9").Success()
	r.StdoutContains("secret/default-credentials configured", "backupstoragelocation.velero.io/default created")
	if strings.Contains(r.Stdout+r.Stderr, harness.VeleroSecretKey) {
		t.Fatal("the credentials were printed")
	}
	suite.StartVelero(t, creds)
	e.Kubectl("wait", "-n", "velero", "backupstoragelocation/default", "--for=jsonpath={.status.phase}=Available", "--timeout=90s").Timeout(2 * time.Minute).Success()
	t.Logf("store, Velero and an Available location in %s", time.Since(start).Round(time.Second))
	e.Kubectl("tko", "cluster", "backup", "location", "list").Success().StdoutContains("default\taws\t" + harness.VeleroBucket + "\tAvailable")
	e.Kubectl("tko", "cluster", "backup", "location", "list", "--all-workload-clusters").Success().
		StdoutContains("default/wc-prod-1\tdefault\taws\t" + harness.VeleroBucket + "\tAvailable")
	// One location described: where its credentials are, never what they are.
	r = e.Kubectl("tko", "cluster", "backup", "location", "get", "default", "-v=9").Success()
	r.StdoutContains("Provider:            aws", "Bucket:              "+harness.VeleroBucket, "S3 URL:              "+s.URL, "Region:              us-east-1",
		"CA:                  none", "Credentials:         secret default-credentials, key cloud", "Default:             true",
		"Phase:               Available", "Last validated:      20").StdoutLacks("Message:")
	if strings.Contains(r.Stdout+r.Stderr, harness.VeleroSecretKey) {
		t.Fatal("location get printed the credentials")
	}
	e.Kubectl("tko", "cluster", "backup", "location", "get", "default", "-o", "jsonpath={.status.phase}").Success().StdoutContains("Available")
	e.Kubectl("tko", "cluster", "backup", "location", "get", "default", "-o", "name").Success().StdoutContains("backupstoragelocation.velero.io/default\n")
	e.Kubectl("tko", "cluster", "backup", "location", "get", "default", "--cluster", "wc-prod-1").Success().
		StdoutContains("Cluster:             default/wc-prod-1\nName:                default\n", "Phase:               Available")
	// Added again for the same store: the credentials are written again (a
	// rotation), the location is unchanged. Another store under its name is
	// refused before anything is written, the Secret Velero uses included.
	e.Kubectl("tko", "cluster", "backup", "location", "add", "default", "--bucket", harness.VeleroBucket, "--s3-url", s.URL,
		"--region", "us-east-1", "--credentials-file", creds, "--default").Success().
		StdoutContains("secret/default-credentials configured", "backupstoragelocation.velero.io/default unchanged")
	secretVersion := func() string {
		u, err := e.Dyn().Resource(secretsGVR).Namespace("velero").Get(context.Background(), "default-credentials", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return u.GetResourceVersion()
	}
	before := secretVersion()
	e.Kubectl("tko", "cluster", "backup", "location", "add", "default", "--bucket", "elsewhere", "--s3-url", s.URL,
		"--region", "us-east-1", "--credentials-file", harness.Credentials(t, harness.VeleroAccessKey, "not-the-secret"), "--default").ExitCode(explain.ExitUsage).
		OneLineError(`backup storage location default exists with bucket "` + harness.VeleroBucket + `" (not "elsewhere"): nothing was changed`)
	if secretVersion() != before {
		t.Error("a refused location add rewrote the credentials")
	}
	e.Kubectl("tko", "cluster", "backup", "location", "get", "nope").ExitCode(explain.ExitNotFound).
		OneLineError(`backup storage location "nope" not found in namespace "velero"`, "kubectl tko cluster backup location list")

	// A namespace with a ConfigMap, a Secret and a Deployment.
	ns := e.Namespace()
	e.Kubectl("apply", "-n", ns, "-f", "-").Stdin(`
apiVersion: v1
kind: ConfigMap
metadata: {name: shop-config, labels: {app: shop}}
data: {currency: EUR, region: eu-west}
---
apiVersion: v1
kind: Secret
metadata: {name: shop-db, labels: {app: shop}}
stringData: {password: hunter2}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, labels: {app: shop}}
spec:
  replicas: 0
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec: {containers: [{name: shop, image: nginx:1.27}]}
`).Success()

	// A schedule with a one-minute cron, made now and checked at the end:
	// Velero makes its first backup at the first minute boundary after it
	// was created (its schedule controller looks every minute), while the
	// steps below run.
	scheduled := time.Now()
	e.Kubectl("tko", "cluster", "backup", "schedule", "create", "shop-minutely", "--schedule", "*/1 * * * *", "--include-namespaces", ns, "--ttl", "1h").Success().
		StdoutContains("schedule.velero.io/shop-minutely created")

	t.Run("unknown and unavailable locations are refused before anything is created", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "create", "nowhere", "--include-namespaces", ns, "--storage-location", "nope").
			ExitCode(explain.ExitNotFound).OneLineError(`backup storage location "nope" not found in namespace "velero"`)
		// A store that refuses these credentials: Velero marks it Unavailable.
		e.Kubectl("tko", "cluster", "backup", "location", "add", "wrong-key", "--bucket", harness.VeleroBucket, "--s3-url", s.URL,
			"--region", "us-east-1", "--credentials-file", harness.Credentials(t, harness.VeleroAccessKey, "not-the-secret")).Success()
		e.Kubectl("wait", "-n", "velero", "backupstoragelocation/wrong-key", "--for=jsonpath={.status.phase}=Unavailable", "--timeout=60s").Timeout(90 * time.Second).Success()
		r := e.Kubectl("tko", "cluster", "backup", "create", "nowhere", "--include-namespaces", ns, "--storage-location", "wrong-key").
			ExitCode(explain.ExitFailure).OneLineError("backup storage location wrong-key is Unavailable: ")
		if strings.Contains(r.Stderr, "not-the-secret") {
			t.Error("credentials in the message")
		}
		// location get shows Velero's reason in full.
		r = e.Kubectl("tko", "cluster", "backup", "location", "get", "wrong-key").Success().
			StdoutContains("Phase:               Unavailable", "Credentials:         secret wrong-key-credentials, key cloud",
				`Message:             BackupStorageLocation "wrong-key" is unavailable: `)
		if strings.Contains(r.Stdout, "not-the-secret") {
			t.Error("location get printed the credentials")
		}
		if _, err := e.Dyn().Resource(backup.Backups).Namespace("velero").Get(context.Background(), "nowhere", metav1.GetOptions{}); err == nil {
			t.Error("a backup was created")
		}
	})

	t.Run("a location shows the CA it trusts, from the file it was added with", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "location", "add", "with-ca", "--bucket", harness.VeleroBucket, "--prefix", "with-ca", "--s3-url", s.URL,
			"--region", "us-east-1", "--cacert", caFile(t, "tko-test-ca")).Success()
		t.Cleanup(func() { e.Kubectl("tko", "cluster", "backup", "location", "delete", "with-ca", "--yes").Success() })
		e.Kubectl("tko", "cluster", "backup", "location", "get", "with-ca").Success().
			StdoutContains("Prefix:              with-ca", "CA:                  CN=tko-test-ca, expires 20", "Credentials:         none (the Velero server's own credentials)")
	})

	t.Run("a namespace backup completes and its objects are in the bucket", func(t *testing.T) {
		begin := time.Now()
		r := e.Kubectl("tko", "cluster", "backup", "create", "shop", "--include-namespaces", ns, "--wait", "--timeout", "2m").Timeout(3 * time.Minute).Success()
		r.StdoutContains("backup.velero.io/shop created").StderrContains("backup shop Completed, ", ", 0 error(s), 0 warning(s)")
		t.Logf("backup completed in %s", time.Since(begin).Round(100*time.Millisecond))
		files := bucketHas(t, s, "backups/shop")
		if !contains(files, "shop.tar.gz") || !contains(files, "shop-logs.gz") {
			t.Errorf("bucket: %v", files)
		}
		e.Kubectl("tko", "cluster", "backup", "list").Success().StdoutContains("shop\tCompleted\t")
		e.Kubectl("tko", "cluster", "backup", "get", "shop").Success().
			StdoutContains("Phase:               Completed", "Scope:               namespaces "+ns, "kube-system")
		e.Kubectl("tko", "cluster", "backup", "logs", "shop").Success().StdoutContains("level=info", "Backed up a total of")
		// Completion of names, from Velero's namespace.
		e.Plugin("kubectl-tko-cluster", "__complete", "backup", "get", "sh").Success().StdoutContains("shop\n")
		e.Plugin("kubectl-tko-cluster", "__complete", "backup", "create", "x", "--storage-location", "").Success().StdoutContains("default\n", "wrong-key\n")
		// A rerun converges: the same backup, waited for again.
		e.Kubectl("tko", "cluster", "backup", "create", "shop", "--include-namespaces", ns, "--wait").Success().
			StdoutContains("backup.velero.io/shop unchanged")
	})

	t.Run("logs from a store this machine cannot reach say so", func(t *testing.T) {
		// Velero signs the download URL for publicUrl: here an address nothing serves.
		closed := fmt.Sprintf("http://127.0.0.1:%d", harness.FreePort(t))
		// A bucket of its own: Velero finds a location without a prefix
		// Unavailable when its bucket holds other top-level directories.
		s.MakeBucket(t, "tko-far", 5*time.Second)
		e.Kubectl("tko", "cluster", "backup", "location", "add", "far", "--bucket", "tko-far", "--s3-url", s.URL, "--public-url", closed,
			"--region", "us-east-1", "--credentials-file", creds).Success()
		e.Kubectl("wait", "-n", "velero", "backupstoragelocation/far", "--for=jsonpath={.status.phase}=Available", "--timeout=60s").Timeout(90 * time.Second).Success()
		e.Kubectl("tko", "cluster", "backup", "create", "far", "--include-namespaces", ns, "--storage-location", "far", "--wait", "--timeout", "2m").Timeout(3 * time.Minute).Success()
		r := e.Kubectl("tko", "cluster", "backup", "logs", "far").ExitCode(explain.ExitFailure).
			OneLineError("the object store at "+closed+", which Velero's download URL points to, cannot be reached from here", "connection refused", "publicUrl")
		if strings.Contains(r.Stderr, "X-Amz-Signature") {
			t.Error("the signed URL was printed")
		}
	})

	t.Run("one backup per workload cluster, a row each", func(t *testing.T) {
		// The seeded workload clusters' kubeconfig Secrets all point at this
		// control plane: the first creates the backup, the others find it
		// and wait for it, as a rerun does.
		r := e.Kubectl("tko", "cluster", "backup", "create", "fleet", "--include-namespaces", ns, "--all-workload-clusters", "--wait", "--timeout", "2m", "--strict").
			Timeout(3 * time.Minute).Success()
		r.StdoutContains("CLUSTER\tNAME\tPHASE\tITEMS", "default/wc-prod-1\tfleet\tCompleted\t").StderrContains("skipping clusters without a kubeconfig Secret")
		e.Kubectl("tko", "cluster", "backup", "list", "--cluster", "wc-prod-1").Success().StdoutContains("default/wc-prod-1\tfleet\tCompleted")
		// A description per cluster, headed by its name; a cluster without
		// the backup says so in its section and fails only with --strict.
		e.Kubectl("tko", "cluster", "backup", "get", "fleet", "--all-workload-clusters").Success().
			StdoutContains("Cluster:             default/wc-prod-1\nName:                fleet\n", "Phase:               Completed")
		e.Kubectl("tko", "cluster", "backup", "get", "fleet", "--cluster", "wc-prod-1", "-o", "name").Success().
			StdoutContains("backup.velero.io/fleet")
		e.Kubectl("tko", "cluster", "backup", "get", "nope", "--cluster", "wc-prod-1").ExitCode(explain.ExitNotFound).
			StdoutContains("Cluster:             default/wc-prod-1\nError:               backup \"nope\" not found").
			StderrContains("the selected cluster does not have it")
		e.Kubectl("tko", "cluster", "backup", "logs", "fleet", "--cluster", "wc-prod-1").Success().
			StdoutContains("==> default/wc-prod-1 <==\n", "Backed up a total of")
	})

	t.Run("Ctrl-C during --wait leaves the backup to Velero", func(t *testing.T) {
		// A Backup in a namespace no Velero serves never moves.
		other := e.Namespace()
		idle := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "velero.io/v1", "kind": "Backup",
			"metadata": map[string]any{"name": "idle", "namespace": other}, "spec": map[string]any{}}}
		if _, err := e.Dyn().Resource(backup.Backups).Namespace(other).Create(context.Background(), idle, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		e.Kubectl("tko", "cluster", "backup", "get", "idle", "--velero-namespace", other, "--wait").SignalAfter(time.Second, syscall.SIGINT).
			ExitCode(explain.ExitInterrupted).OneLineError("backup idle goes on in Velero (follow it: kubectl tko cluster backup get idle --wait)")
		// -A lists the backups of every namespace, Velero's and this one.
		e.Kubectl("tko", "cluster", "backup", "list", "-A").Success().
			StdoutContains("NAMESPACE\tNAME\tPHASE", other+"\tidle\t-\t", "velero\tshop\tCompleted\t")
	})

	t.Run("a wait that times out exits 4 and the backup goes on", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "create", "quick", "--include-namespaces", ns, "--wait", "--timeout", "1ms").
			ExitCode(explain.ExitTimeout).OneLineError("backup quick goes on in Velero (follow it: kubectl tko cluster backup get quick")
		e.Kubectl("tko", "cluster", "backup", "get", "quick", "--wait", "--timeout", "2m").Timeout(3 * time.Minute).Success().
			StdoutContains("Phase:               Completed")
	})

	t.Run("a restore into a new namespace brings the objects back equal", func(t *testing.T) {
		target := ns + "-restored"
		t.Cleanup(func() { e.Kubectl("delete", "namespace", target, "--wait=false").Run() })
		begin := time.Now()
		r := e.Kubectl("tko", "cluster", "restore", "create", "shop-back", "--from-backup", "shop", "--namespace-mappings", ns+":"+target, "--wait", "--timeout", "2m").
			Timeout(3 * time.Minute).Success()
		r.StdoutContains("restore.velero.io/shop-back created").StderrContains("restore shop-back Completed")
		t.Logf("restore completed in %s", time.Since(begin).Round(100*time.Millisecond))
		cm, err := e.Dyn().Resource(configmaps).Namespace(target).Get(context.Background(), "shop-config", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if data, _, _ := unstructured.NestedStringMap(cm.Object, "data"); data["currency"] != "EUR" || data["region"] != "eu-west" {
			t.Errorf("restored ConfigMap: %v", data)
		}
		sec, err := e.Dyn().Resource(secretsGVR).Namespace(target).Get(context.Background(), "shop-db", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if data, _, _ := unstructured.NestedStringMap(sec.Object, "data"); data["password"] != "aHVudGVyMg==" {
			t.Errorf("restored Secret differs")
		}
		e.Kubectl("get", "deployment", "shop", "-n", target).Success()
		e.Kubectl("tko", "cluster", "restore", "list").Success().StdoutContains("shop-back\tshop\tCompleted")
		e.Kubectl("tko", "cluster", "restore", "logs", "shop-back").Success().StdoutContains("level=info")

		// Restored again over a ConfigMap changed since: Velero leaves it and
		// records a warning, which describe shows whole, by namespace.
		e.Kubectl("patch", "configmap", "shop-config", "-n", target, "--type", "merge", "-p", `{"data":{"currency":"USD"}}`).Success()
		r = e.Kubectl("tko", "cluster", "restore", "create", "shop-again", "--from-backup", "shop", "--namespace-mappings", ns+":"+target, "--wait", "--timeout", "2m").
			Timeout(3*time.Minute).Success().StderrContains("restore shop-again Completed, ", " warning(s)")
		if strings.Contains(r.Stderr, ", 0 warning(s)") {
			t.Errorf("no warning counted: %s", r.Stderr)
		}
		e.Kubectl("tko", "cluster", "restore", "describe", "shop-again").Success().
			StdoutContains("Warnings recorded:\n", "  Namespace "+target+": could not restore, ConfigMap:shop-config already exists. Warning: the in-cluster version is different than the backed-up version",
				"Full log: kubectl tko cluster restore logs shop-again")
	})

	t.Run("a restore from a backup that did not complete is refused", func(t *testing.T) {
		// Velero fails a backup to a location that does not exist in validation.
		bad := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "velero.io/v1", "kind": "Backup",
			"metadata": map[string]any{"name": "bad", "namespace": "velero"}, "spec": map[string]any{"storageLocation": "gone", "includedNamespaces": []any{ns}}}}
		if _, err := e.Dyn().Resource(backup.Backups).Namespace("velero").Create(context.Background(), bad, metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		r := e.Kubectl("tko", "cluster", "backup", "get", "bad", "--wait", "--timeout", "1m").ExitCode(explain.ExitFailure)
		r.StdoutContains("Phase:               FailedValidation", "Validation error:", "gone").StderrContains("backup bad FailedValidation: ")
		e.Kubectl("tko", "cluster", "restore", "create", "--from-backup", "bad").ExitCode(explain.ExitUsage).
			OneLineError("backup bad is FailedValidation, not Completed: nothing was restored")
		e.Kubectl("tko", "cluster", "restore", "create", "--from-backup", "never-made").ExitCode(explain.ExitNotFound).
			OneLineError(`backup "never-made" not found`)
	})

	t.Run("a schedule turns Enabled, pauses and is deleted", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "schedule", "create", "every-minute", "--schedule", "*/1 * * * *", "--include-namespaces", ns, "--ttl", "1h").Success().
			StdoutContains("schedule.velero.io/every-minute created")
		e.Kubectl("wait", "-n", "velero", "schedule/every-minute", "--for=jsonpath={.status.phase}=Enabled", "--timeout=60s").Timeout(90 * time.Second).Success()
		e.Kubectl("tko", "cluster", "backup", "schedule", "list").Success().StdoutContains("every-minute\t*/1 * * * *\tEnabled\tfalse")
		// Fleet-wide: every workload cluster (here all served by this control
		// plane) gets the schedule; a rerun finds it and changes nothing.
		e.Kubectl("tko", "cluster", "backup", "schedule", "create", "every-minute", "--schedule", "*/1 * * * *", "--include-namespaces", ns, "--ttl", "1h",
			"--all-workload-clusters", "--strict").Success().StdoutContains("default/wc-prod-1\tevery-minute\tEnabled", "team-a/wc-team-a\tevery-minute\tEnabled")
		e.Kubectl("tko", "cluster", "backup", "schedule", "create", "every-minute", "--schedule", "@hourly", "--include-namespaces", ns).ExitCode(explain.ExitUsage).
			OneLineError("schedule every-minute exists with another cron expression or scope")
		e.Kubectl("tko", "cluster", "backup", "schedule", "pause", "every-minute").Success().StdoutContains("schedule.velero.io/every-minute paused")
		e.Kubectl("tko", "cluster", "backup", "schedule", "pause", "every-minute").Success().StdoutContains("schedule.velero.io/every-minute unchanged")
		e.Kubectl("tko", "cluster", "backup", "schedule", "delete", "every-minute").ExitCode(explain.ExitUsage).OneLineError("refusing to delete without --yes")
		e.Kubectl("tko", "cluster", "backup", "schedule", "delete", "every-minute", "--yes").Success().StdoutContains("schedule.velero.io/every-minute deleted")
	})

	t.Run("schedules are paused, unpaused and deleted across the fleet, a row per cluster", func(t *testing.T) {
		// The two provisioned workload clusters, both served by this control
		// plane: one Schedule object stands for the schedule on each. With
		// --parallel 1 the first cluster changes it and the second finds it
		// changed, as a rerun would.
		fleetSel := []string{"--cluster-selector", "networking.tkg.tanzu.vmware.com/avi=install-ako-for-all"}
		schedule := func(args ...string) *harness.Cmd {
			return e.Kubectl(append(append([]string{"tko", "cluster", "backup", "schedule"}, args...), fleetSel...)...)
		}
		paused := func() string {
			return e.Kubectl("get", "schedule", "fleet-nightly", "-n", "velero", "-o", "jsonpath={.spec.paused}").Success().Stdout
		}
		schedule("create", "fleet-nightly", "--schedule", "0 2 * * *", "--include-namespaces", ns, "--strict").Success().
			StdoutContains("default/wc-prod-1\tfleet-nightly\t", "team-a/wc-team-a\tfleet-nightly\t")

		schedule("pause", "fleet-nightly", "--dry-run").Success().
			StdoutContains("CLUSTER\tSCHEDULE\tRESULT\n", "default/wc-prod-1\tfleet-nightly\tpaused (dry run)\n", "team-a/wc-team-a\tfleet-nightly\tpaused (dry run)\n")
		if p := paused(); p == "true" {
			t.Error("a fleet dry run paused the schedule")
		}
		schedule("pause", "fleet-nightly", "--parallel", "1", "--strict").Success().
			StdoutContains("default/wc-prod-1\tfleet-nightly\tpaused\n", "team-a/wc-team-a\tfleet-nightly\tunchanged\n")
		if p := paused(); p != "true" {
			t.Errorf("spec.paused %q after a fleet pause", p)
		}
		schedule("unpause", "fleet-nightly", "--parallel", "1", "-o", "json").Success().
			StdoutContains(`"cluster": "default/wc-prod-1"`, `"name": "fleet-nightly"`, `"result": "unpaused"`, `"result": "unchanged"`)
		// Absent on every selected cluster: the rows, then exit 3.
		schedule("pause", "never-made").ExitCode(explain.ExitNotFound).
			StdoutContains("default/wc-prod-1\tnever-made\tnot found\n", "team-a/wc-team-a\tnever-made\tnot found\n").
			OneLineError(`schedule "never-made" not found in namespace "velero": none of the 2 selected clusters has it`)
		// A target that fails is its row's error; --strict makes it exit 1.
		current := e.Kubectl("config", "current-context").Success().StdoutLines()[0]
		e.Kubectl("tko", "cluster", "backup", "schedule", "pause", "fleet-nightly", "--context", current+",gone", "--dry-run").Success().
			StdoutContains(current+"\tfleet-nightly\tpaused (dry run)\n", "gone\tfleet-nightly\tthe kubeconfig cannot be read")
		e.Kubectl("tko", "cluster", "backup", "schedule", "pause", "fleet-nightly", "--context", current+",gone", "--dry-run", "--strict").ExitCode(explain.ExitFailure)

		// Delete: from a script only with --yes; nothing goes without it.
		schedule("delete", "fleet-nightly").ExitCode(explain.ExitUsage).OneLineError("refusing to delete without --yes")
		schedule("delete", "fleet-nightly", "--dry-run").Success().
			StdoutContains("default/wc-prod-1\tfleet-nightly\tdeleted (dry run)\n", "team-a/wc-team-a\tfleet-nightly\tdeleted (dry run)\n")
		e.Kubectl("get", "schedule", "fleet-nightly", "-n", "velero").Success()
		// On a terminal: one question for the whole set, naming how many
		// clusters have the schedule.
		onTerminal := func(answer string, args ...string) (int, string, string) {
			streams, in, out, errOut := cmdutil.TestStreams(true)
			in.WriteString(answer)
			args = append(append(append([]string{"backup", "schedule"}, args...), fleetSel...), "--kubeconfig", e.Kubeconfig)
			return cli.Run(clusterplugin.Plugin(), cli.NewFactory(), streams, args), out.String(), errOut.String()
		}
		code, out, errOut := onTerminal("n\n", "delete", "fleet-nightly")
		if code != explain.ExitFailure || strings.Count(errOut, "[y/N]") != 1 || !strings.Contains(errOut, "Delete schedule fleet-nightly on 2 of 2 selected cluster(s)? [y/N] ") ||
			!strings.Contains(errOut, "Nothing deleted.") || out != "" {
			t.Errorf("answered no: exit %d\n%s%s", code, out, errOut)
		}
		e.Kubectl("get", "schedule", "fleet-nightly", "-n", "velero").Success()
		code, out, errOut = onTerminal("y\n", "delete", "fleet-nightly", "--parallel", "1")
		// A terminal's table is aligned with spaces: read its cells.
		cells := regexp.MustCompile(` {2,}`).ReplaceAllString(out, "\t")
		if code != 0 || strings.Count(errOut, "[y/N]") != 1 || !strings.Contains(cells, "default/wc-prod-1\tfleet-nightly\tdeleted\n") ||
			!strings.Contains(cells, "team-a/wc-team-a\tfleet-nightly\tnot found\n") {
			t.Errorf("answered yes: exit %d\n%s%s", code, out, errOut)
		}
		e.Kubectl("get", "schedule", "fleet-nightly", "-n", "velero").ExitCode(1)
		// Gone everywhere: nothing to ask, the rows and exit 3.
		schedule("delete", "fleet-nightly", "--yes").ExitCode(explain.ExitNotFound).
			StdoutContains("default/wc-prod-1\tfleet-nightly\tnot found\n", "team-a/wc-team-a\tfleet-nightly\tnot found\n").
			OneLineError(`schedule "fleet-nightly" not found in namespace "velero": none of the 2 selected clusters has it`)
	})

	t.Run("a backup is deleted with its data", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "delete", "quick", "--yes", "--wait", "--timeout", "1m").Timeout(90*time.Second).Success().
			StdoutContains("backup.velero.io/quick deletion requested", "backup.velero.io/quick deleted")
		if files := bucketHas(t, s, "backups/quick"); len(files) > 0 {
			t.Errorf("left in the bucket: %v", files)
		}
	})
	t.Run("a location is deleted with its credentials", func(t *testing.T) {
		e.Kubectl("tko", "cluster", "backup", "location", "delete", "wrong-key", "--yes", "--dry-run").Success().
			StdoutContains("backupstoragelocation.velero.io/wrong-key deleted (dry run)", "secret/wrong-key-credentials deleted (dry run)")
		e.Kubectl("tko", "cluster", "backup", "location", "delete", "wrong-key", "--yes").Success().
			StdoutContains("backupstoragelocation.velero.io/wrong-key deleted", "secret/wrong-key-credentials deleted")
		e.Kubectl("get", "secret", "wrong-key-credentials", "-n", "velero").ExitCode(1)
	})

	t.Run("the one-minute schedule made a backup by itself", func(t *testing.T) {
		// Velero's own timing, bounded: the first minute boundary after the
		// schedule was created, plus up to a minute for its controller to look.
		b := suite.WaitScheduledBackup(t, "shop-minutely", scheduled.Add(150*time.Second))
		t.Logf("scheduled backup %s Completed %s after the schedule was created", b.GetName(), time.Since(scheduled).Round(time.Second))
		if !strings.HasPrefix(b.GetName(), "shop-minutely-") {
			t.Errorf("scheduled backup named %s", b.GetName())
		}
		// On a slow machine the next minute may already have started
		// another: pause the schedule, let what it started end, and check
		// the listing against the newest.
		e.Kubectl("tko", "cluster", "backup", "schedule", "pause", "shop-minutely").Success()
		last := settledScheduledBackup(t, "shop-minutely", time.Now().Add(90*time.Second))
		// schedule list: when it last made a backup, how that went, which it is.
		row := ""
		for _, line := range e.Kubectl("tko", "cluster", "backup", "schedule", "list", "-o", "wide").Success().StdoutLines() {
			if strings.HasPrefix(line, "shop-minutely\t") {
				row = line
			}
		}
		if cells := strings.Split(row, "\t"); len(cells) < 8 || cells[1] != "*/1 * * * *" || cells[2] != "Enabled" || cells[3] != "true" || cells[4] == "-" ||
			cells[5] != backup.OutcomeOf(last).Phase || cells[7] != last.GetName() {
			t.Errorf("schedule list row without its last backup: %q", row)
		}
		e.Kubectl("tko", "cluster", "backup", "list", "-o", "wide").Success().StdoutContains(b.GetName()+"\tCompleted\t", "\tshop-minutely\n")
		e.Kubectl("tko", "cluster", "backup", "get", b.GetName()).Success().
			StdoutContains("Phase:               Completed", "Schedule:            shop-minutely", "Scope:               namespaces "+ns)
	})

	t.Run("status says whether every cluster has a recent good backup", func(t *testing.T) {
		// The newest Completed backup is the scheduled one, unless a step
		// above ran after it: status names whichever is newest.
		newest := newestCompleted(t)
		if !strings.HasPrefix(newest, "shop-minutely-") {
			t.Logf("the newest Completed backup is %s, not the scheduled one", newest)
		}
		e.Kubectl("tko", "cluster", "backup", "status").Success().
			StdoutContains("VELERO\tLOCATIONS\tLAST SUCCESS", "v1.18.3\t2/2 available\t"+newest+"\t", "\tbad\tOK")
		e.Kubectl("tko", "cluster", "backup", "status", "--all-workload-clusters", "--max-age", "1ms").ExitCode(explain.ExitFailure).
			StdoutContains("default/wc-prod-1\tv1.18.3\t", "NO BACKUP WITHIN 1ms").StderrContains("cluster(s) without a Completed backup in the last 1ms")
	})
	// Last: its pre-upgrade backup would be the newest Completed one above.
	t.Run("upgrade apply backs the cluster up with Velero before upgrading it", func(t *testing.T) {
		upgradeWithVeleroBackup(t, s)
	})
	t.Logf("whole Velero run in %s", time.Since(start).Round(time.Second))
}
