package backup

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
	"github.com/vmware-tanzu-labs/kubectl-tko/internal/wait"
)

// Outcome is how a backup or restore ended.
type Outcome struct {
	Kind, Name      string
	Phase           string
	Items, Total    int64
	Errors          int64
	Warnings        int64
	FailureReason   string
	ValidationError []string
}

// FailedError is a backup or restore Velero did not complete: its own
// reasons, whole.
type FailedError struct{ Outcome }

func (e *FailedError) Error() string {
	msg := fmt.Sprintf("%s %s %s", strings.ToLower(e.Kind), e.Name, e.Phase)
	var reasons []string
	if e.FailureReason != "" {
		reasons = append(reasons, e.FailureReason)
	}
	reasons = append(reasons, e.ValidationError...)
	if e.Errors > 0 || e.Warnings > 0 {
		kind := strings.ToLower(e.Kind)
		reasons = append(reasons, fmt.Sprintf("%d error(s), %d warning(s) (their messages: kubectl tko cluster %s describe %s)", e.Errors, e.Warnings, kind, e.Name))
	}
	if len(reasons) > 0 {
		msg += ": " + strings.Join(reasons, "; ")
	}
	return msg
}

// Class implements errs.Classed.
func (e *FailedError) Class() errs.Class { return errs.ClassFailed }

// OutcomeOf reads the phase and counts of a Backup or Restore.
func OutcomeOf(u *unstructured.Unstructured) Outcome {
	o := Outcome{Kind: u.GetKind(), Name: u.GetName()}
	o.Phase, _, _ = unstructured.NestedString(u.Object, "status", "phase")
	o.Total, _, _ = unstructured.NestedInt64(u.Object, "status", "progress", "totalItems")
	o.Items, _, _ = unstructured.NestedInt64(u.Object, "status", "progress", "itemsBackedUp")
	if o.Kind == "Restore" {
		o.Items, _, _ = unstructured.NestedInt64(u.Object, "status", "progress", "itemsRestored")
	}
	o.Errors, _, _ = unstructured.NestedInt64(u.Object, "status", "errors")
	o.Warnings, _, _ = unstructured.NestedInt64(u.Object, "status", "warnings")
	o.FailureReason, _, _ = unstructured.NestedString(u.Object, "status", "failureReason")
	o.ValidationError, _, _ = unstructured.NestedStringSlice(u.Object, "status", "validationErrors")
	return o
}

// Done reports whether a backup or restore has ended.
func (o Outcome) Done() bool {
	switch o.Phase {
	case PhaseCompleted, PhasePartiallyFailed, PhaseFailed, PhaseFailedValidation:
		return true
	}
	return false
}

// Err is nil for Completed, a FailedError for the other ends.
func (o Outcome) Err() error {
	if !o.Done() || o.Phase == PhaseCompleted {
		return nil
	}
	return &FailedError{Outcome: o}
}

// Summary is one line of progress; once Velero ended the backup or
// restore, it always has the errors and warnings counts.
func (o Outcome) Summary() string {
	phase := o.Phase
	if phase == "" {
		phase = PhaseNew
	}
	s := fmt.Sprintf("%s %s %s", strings.ToLower(o.Kind), o.Name, phase)
	if o.Total > 0 {
		s += fmt.Sprintf(", %d/%d items", o.Items, o.Total)
	}
	if o.Done() || o.Errors > 0 || o.Warnings > 0 {
		s += fmt.Sprintf(", %d error(s), %d warning(s)", o.Errors, o.Warnings)
	}
	return s
}

// WaitSpec watches a backup or restore until Velero ends it. A timeout
// leaves it as is: Velero goes on, and a rerun of the wait converges.
func WaitSpec(dyn dynamic.Interface, u *unstructured.Unstructured, timeout time.Duration, progress io.Writer) wait.Spec {
	gvr := Backups
	if u.GetKind() == "Restore" {
		gvr = Restores
	}
	kind := strings.ToLower(u.GetKind())
	return wait.Spec{
		Client: dyn.Resource(gvr).Namespace(u.GetNamespace()), Namespace: u.GetNamespace(), Name: u.GetName(),
		What:    fmt.Sprintf("%s %s to complete", kind, u.GetName()),
		Timeout: timeout,
		Check: func(obj *unstructured.Unstructured) (bool, error) {
			if obj == nil {
				return false, &errs.NotFoundError{Kind: kind, Name: u.GetName(), Namespace: u.GetNamespace(), Hint: "it was deleted while waiting"}
			}
			return OutcomeOf(obj).Done(), nil
		},
		Summary:  func(obj *unstructured.Unstructured) string { return OutcomeOf(obj).Summary() },
		Progress: progress,
	}
}

// CreateBackup checks the location and creates the backup (dryRun:
// server-side dry run). It returns the object as stored.
func CreateBackup(ctx context.Context, dyn dynamic.Interface, b *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	location, _, _ := unstructured.NestedString(b.Object, "spec", "storageLocation")
	if _, err := CheckLocation(ctx, dyn, b.GetNamespace(), location); err != nil {
		return nil, err
	}
	return Create(ctx, dyn, b, dryRun)
}

// Create stores one of Velero's objects (dryRun: a server-side dry run).
func Create(ctx context.Context, dyn dynamic.Interface, u *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	opts := metav1.CreateOptions{FieldManager: kube.FieldManager}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	res := dyn.Resource(resourceOf(u.GetKind())).Namespace(u.GetNamespace())
	created, err := res.Create(ctx, u, opts)
	if err != nil {
		return nil, fmt.Errorf("creating %s %s: %w", strings.ToLower(u.GetKind()), u.GetName(), err)
	}
	return created, nil
}

func resourceOf(kind string) schema.GroupVersionResource {
	switch kind {
	case "Backup":
		return Backups
	case "Restore":
		return Restores
	case "Schedule":
		return Schedules
	case "BackupStorageLocation":
		return Locations
	case "DownloadRequest":
		return DownloadRequests
	case "DeleteBackupRequest":
		return DeleteBackupRequests
	}
	return schema.GroupVersionResource{Version: "v1", Resource: strings.ToLower(kind) + "s"}
}

// Get reads one of Velero's objects; a missing one is a NotFoundError
// with the way to list them.
func Get(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, namespace, name string) (*unstructured.Unstructured, error) {
	u, err := dyn.Resource(gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		noun := map[string]string{"backups": "backup", "restores": "restore", "schedules": "schedule", "backupstoragelocations": "backup storage location"}[gvr.Resource]
		hint := fmt.Sprintf("list them with 'kubectl tko cluster backup %slist'", map[string]string{"restores": "", "schedules": "schedule ", "backupstoragelocations": "location "}[gvr.Resource])
		if gvr.Resource == "restores" {
			hint = "list them with 'kubectl tko cluster restore list'"
		}
		return nil, &errs.NotFoundError{Kind: noun, Name: name, Namespace: namespace, Hint: hint}
	}
	return u, err
}

// NotCompletedError refuses a restore from a backup that did not complete.
type NotCompletedError struct{ Backup, Phase string }

func (e *NotCompletedError) Error() string {
	phase := e.Phase
	if phase == "" {
		phase = PhaseNew
	}
	return fmt.Sprintf("backup %s is %s, not Completed: nothing was restored; restore from a Completed backup ('kubectl tko cluster backup list' shows them)", e.Backup, phase)
}

// Class implements errs.Classed.
func (e *NotCompletedError) Class() errs.Class { return errs.ClassInvalid }

// CreateRestore checks that the backup Completed, then creates the restore.
func CreateRestore(ctx context.Context, dyn dynamic.Interface, r *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, error) {
	from, _, _ := unstructured.NestedString(r.Object, "spec", "backupName")
	b, err := Get(ctx, dyn, Backups, r.GetNamespace(), from)
	if err != nil {
		return nil, err
	}
	if phase := OutcomeOf(b).Phase; phase != PhaseCompleted {
		return nil, &NotCompletedError{Backup: from, Phase: phase}
	}
	return Create(ctx, dyn, r, dryRun)
}

// DeleteBackup asks Velero to delete a backup with its data in the store,
// through a DeleteBackupRequest (deleting the Backup object alone leaves
// the data, and Velero syncs it back from the store).
func DeleteBackup(ctx context.Context, dyn dynamic.Interface, namespace, name string, dryRun bool) (*unstructured.Unstructured, error) {
	if _, err := Get(ctx, dyn, Backups, namespace, name); err != nil {
		return nil, err
	}
	req, err := object("DeleteBackupRequest", namespace, "", map[string]string{"velero.io/backup-name": name}, map[string]any{"backupName": name})
	if err != nil {
		return nil, err
	}
	req.SetGenerateName(name + "-")
	return Create(ctx, dyn, req, dryRun)
}

// StoreUnreachableError is the object store's signed URL that this machine
// cannot reach (Velero signs it for the s3Url it uses itself).
type StoreUnreachableError struct {
	Host string
	Err  error
}

func (e *StoreUnreachableError) Error() string {
	return fmt.Sprintf("the object store at %s, which Velero's download URL points to, cannot be reached from here (%v): set the location's publicUrl to an address this machine reaches (kubectl tko cluster backup location add --public-url)", e.Host, e.Err)
}

func (e *StoreUnreachableError) Unwrap() error { return e.Err }

// Class implements errs.Classed.
func (e *StoreUnreachableError) Class() errs.Class { return errs.ClassFailed }

// StoreUntrustedError is an object store whose certificate this machine
// does not trust, neither through the system's CAs nor the location's.
type StoreUntrustedError struct {
	Host, Location string
	Err            error
}

func (e *StoreUntrustedError) Error() string {
	location := "the backup's storage location"
	if e.Location != "" {
		location = "backup storage location " + e.Location
	}
	return fmt.Sprintf("the object store at %s presents a certificate this machine does not trust (%v): give %s the CA that signed it (its spec.objectStorage.caCert; 'kubectl tko cluster backup location add --cacert FILE')", e.Host, e.Err, location)
}

func (e *StoreUntrustedError) Unwrap() error { return e.Err }

// Class implements errs.Classed.
func (e *StoreUntrustedError) Class() errs.Class { return errs.ClassFailed }

// Logs streams a backup's (or restore's) log, which Velero keeps gzipped in
// the object store, through a DownloadRequest: Velero answers with a signed
// URL, fetched here. The request is deleted afterwards.
func Logs(ctx context.Context, dyn dynamic.Interface, kind, namespace, name string, timeout time.Duration, out io.Writer) error {
	return download(ctx, dyn, kind, namespace, name, "Log", timeout, out)
}

// Result is what Velero recorded of one kind (errors or warnings) for a
// backup or restore, by where it arose: Velero itself, cluster-scoped
// objects, each namespace (Velero's results file).
type Result struct {
	Velero     []string            `json:"velero,omitempty"`
	Cluster    []string            `json:"cluster,omitempty"`
	Namespaces map[string][]string `json:"namespaces,omitempty"`
}

// Empty reports whether nothing was recorded.
func (r Result) Empty() bool {
	return len(r.Velero) == 0 && len(r.Cluster) == 0 && len(r.Namespaces) == 0
}

// Results are the errors and warnings Velero recorded for a backup or a
// restore: the per-item messages its status only counts.
type Results struct {
	Errors   Result `json:"errors"`
	Warnings Result `json:"warnings"`
}

// ResultsTimeout bounds the wait for Velero to sign the results' URL.
const ResultsTimeout = 10 * time.Second

// FetchResults reads the errors and warnings Velero recorded for a backup
// (kind Backup) or restore (Restore), through a DownloadRequest as Logs.
func FetchResults(ctx context.Context, dyn dynamic.Interface, kind, namespace, name string, timeout time.Duration) (*Results, error) {
	var buf strings.Builder
	if err := download(ctx, dyn, kind, namespace, name, "Results", timeout, &buf); err != nil {
		return nil, err
	}
	r := &Results{}
	if err := json.Unmarshal([]byte(buf.String()), r); err != nil {
		return nil, fmt.Errorf("reading Velero's results of %s %s: %w", strings.ToLower(kind), name, err)
	}
	return r, nil
}

// download fetches one of the files Velero keeps for a backup or restore
// (file Log or Results), gunzipped, trusting the location's CA.
func download(ctx context.Context, dyn dynamic.Interface, kind, namespace, name, file string, timeout time.Duration, out io.Writer) error {
	gvr := Backups
	if kind == "Restore" {
		gvr = Restores
	}
	obj, err := Get(ctx, dyn, gvr, namespace, name)
	if err != nil {
		return err
	}
	if err := serverRunning(ctx, dyn, namespace); err != nil {
		return err
	}
	location, cas := storeCAs(ctx, dyn, obj)
	req, err := object("DownloadRequest", namespace, "", nil, map[string]any{"target": map[string]any{"kind": kind + file, "name": name}})
	if err != nil {
		return err
	}
	req.SetGenerateName(name + "-" + strings.ToLower(file) + "-")
	created, err := Create(ctx, dyn, req, false)
	if err != nil {
		return err
	}
	res := dyn.Resource(DownloadRequests).Namespace(namespace)
	defer func() { _ = res.Delete(context.WithoutCancel(ctx), created.GetName(), metav1.DeleteOptions{}) }()
	done, err := wait.For(ctx, wait.Spec{Client: res, Namespace: namespace, Name: created.GetName(),
		What: fmt.Sprintf("Velero to sign the download URL of %s %s's %s (is the Velero server running?)", strings.ToLower(kind), name, strings.ToLower(file)), Timeout: timeout,
		Check: func(obj *unstructured.Unstructured) (bool, error) {
			phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
			return phase == PhaseProcessed, nil
		}})
	if err != nil {
		return err
	}
	link, _, _ := unstructured.NestedString(done.Object, "status", "downloadURL")
	return fetch(ctx, link, strings.ToLower(file), location, cas, out)
}

// NotRunningError is a Velero Deployment with no available replica: no
// server would answer a DownloadRequest, so none is made.
type NotRunningError struct {
	Namespace string
	Desired   int64
}

func (e *NotRunningError) Error() string {
	return fmt.Sprintf("the Velero server is not running (Deployment %s/velero has no available replica of %d): nothing signs download URLs; see why with 'kubectl -n %s describe deployment velero'",
		e.Namespace, e.Desired, e.Namespace)
}

// Class implements errs.Classed.
func (e *NotRunningError) Class() errs.Class { return errs.ClassFailed }

// serverRunning refuses at once when Velero's Deployment wants a replica
// and has none available (crash-looping, unschedulable, no image), instead
// of waiting out the bound for a signature that cannot come. Where the
// Deployment cannot be read (another name, no RBAC on Deployments) or is
// scaled to zero (the server may run elsewhere), the bounded wait decides.
func serverRunning(ctx context.Context, dyn dynamic.Interface, namespace string) error {
	d, err := dyn.Resource(deployments).Namespace(namespace).Get(ctx, "velero", metav1.GetOptions{})
	if err != nil {
		return nil
	}
	desired, found, _ := unstructured.NestedInt64(d.Object, "spec", "replicas")
	if !found {
		desired = 1 // the API server's default
	}
	available, _, _ := unstructured.NestedInt64(d.Object, "status", "availableReplicas")
	if desired == 0 || available > 0 {
		return nil
	}
	return &NotRunningError{Namespace: namespace, Desired: desired}
}

// storeCAs finds the location a backup (or the backup of a restore) is
// stored in, and the CA it trusts for the store, as Velero's own client
// does; nil when it has none or it cannot be read (the system's CAs then).
func storeCAs(ctx context.Context, dyn dynamic.Interface, obj *unstructured.Unstructured) (string, *x509.CertPool) {
	b := obj
	if obj.GetKind() == "Restore" {
		from, _, _ := unstructured.NestedString(obj.Object, "spec", "backupName")
		var err error
		if b, err = dyn.Resource(Backups).Namespace(obj.GetNamespace()).Get(ctx, from, metav1.GetOptions{}); err != nil {
			return "", nil
		}
	}
	name, _, _ := unstructured.NestedString(b.Object, "spec", "storageLocation")
	if name == "" {
		return "", nil
	}
	u, err := dyn.Resource(Locations).Namespace(obj.GetNamespace()).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return name, nil
	}
	l, err := Parse[Location](u)
	if err != nil {
		return name, nil
	}
	pem := l.CACertPEM()
	if len(pem) == 0 {
		return name, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	pool.AppendCertsFromPEM(pem)
	return name, pool
}

func fetch(ctx context.Context, link, what, location string, cas *x509.CertPool, out io.Writer) error {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return fmt.Errorf("velero returned an unusable download URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return err
	}
	client := http.DefaultClient
	if cas != nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{RootCAs: cas, MinVersion: tls.VersionTLS12}
		client = &http.Client{Transport: t}
	}
	host := u.Scheme + "://" + u.Host
	resp, err := client.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // the URL carries a signature: never shown
		}
		var unknown x509.UnknownAuthorityError
		var verify *tls.CertificateVerificationError
		var hostname x509.HostnameError
		if errors.As(err, &unknown) || errors.As(err, &verify) || errors.As(err, &hostname) {
			return &StoreUntrustedError{Host: host, Location: location, Err: err}
		}
		return &StoreUnreachableError{Host: host, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return &errs.NotFoundError{Kind: what, Name: strings.TrimPrefix(u.Path, "/"), Hint: "Velero has not uploaded it yet: it stores it when the backup or restore ends"}
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the object store at %s answered %s", u.Host, resp.Status)
	}
	gz, err := gzip.NewReader(resp.Body)
	if err != nil {
		return fmt.Errorf("reading the %s: %w", what, err)
	}
	defer gz.Close()
	_, err = io.Copy(out, gz)
	return err
}

// SetPaused pauses or resumes a schedule; changed is false when it already
// was (nothing is written then).
func SetPaused(ctx context.Context, dyn dynamic.Interface, namespace, name string, paused, dryRun bool) (*unstructured.Unstructured, bool, error) {
	u, err := Get(ctx, dyn, Schedules, namespace, name)
	if err != nil {
		return nil, false, err
	}
	if cur, _, _ := unstructured.NestedBool(u.Object, "spec", "paused"); cur == paused {
		return u, false, nil
	}
	opts := metav1.PatchOptions{FieldManager: kube.FieldManager}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	patched, err := dyn.Resource(Schedules).Namespace(namespace).Patch(ctx, name, types.MergePatchType, fmt.Appendf(nil, `{"spec":{"paused":%t}}`, paused), opts)
	if err != nil {
		return nil, false, fmt.Errorf("updating schedule %s: %w", name, err)
	}
	return patched, true, nil
}

// CreateSchedule creates a schedule; a rerun converges: a schedule of the
// same name with the same cron and scope is returned as is (created
// false), one with another is refused.
func CreateSchedule(ctx context.Context, dyn dynamic.Interface, s *unstructured.Unstructured, dryRun bool) (*unstructured.Unstructured, bool, error) {
	created, err := Create(ctx, dyn, s, dryRun)
	if !apierrors.IsAlreadyExists(err) {
		return created, err == nil, err
	}
	cur, err := Get(ctx, dyn, Schedules, s.GetNamespace(), s.GetName())
	if err != nil {
		return nil, false, err
	}
	want, err := Parse[Schedule](s)
	if err != nil {
		return nil, false, err
	}
	have, err := Parse[Schedule](cur)
	if err != nil {
		return nil, false, err
	}
	if have.Spec.Schedule != want.Spec.Schedule || have.Spec.Template.Scope() != want.Spec.Template.Scope() || have.Spec.Template.TTL != want.Spec.Template.TTL {
		return nil, false, errs.Invalidf("schedule %s exists with another cron expression or scope (%q, %s): delete it first or pick another name",
			s.GetName(), have.Spec.Schedule, have.Spec.Template.Scope())
	}
	return cur, false, nil
}
