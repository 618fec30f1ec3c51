// Package backup is Velero from the operator's side, as Tanzu Mission
// Control's data protection drives it: backups, schedules, restores and
// backup storage locations read and written through the dynamic client with
// small typed views of Velero's velero.io/v1 objects (Velero's own Go module
// is not imported: it is far larger than the few fields used here). No
// command-line code: errors are typed, the command layer words them.
package backup

import (
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/duration"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/kube"
)

// Group is Velero's API group.
const Group = "velero.io"

// DefaultNamespace is where Velero runs and keeps its objects.
const DefaultNamespace = "velero"

// Velero's resources.
var (
	Backups              = gvr("backups")
	Restores             = gvr("restores")
	Schedules            = gvr("schedules")
	Locations            = gvr("backupstoragelocations")
	DownloadRequests     = gvr("downloadrequests")
	DeleteBackupRequests = gvr("deletebackuprequests")
)

func gvr(resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: Group, Version: "v1", Resource: resource}
}

// Requirement is what every backup command needs served.
var Requirement = kube.Requirement{Group: Group, Hint: "is Velero installed? Tanzu Mission Control's data protection (or 'velero install') installs it; check the --context"}

// Excluded are the namespaces never backed up, as Tanzu Mission Control's
// data protection: the platform's own, restored by reinstalling it.
var Excluded = []string{"kube-system", DefaultNamespace, "tkg-system", "vmware-system-tmc"}

// Phases of Velero's objects.
const (
	PhaseNew              = "New"
	PhaseInProgress       = "InProgress"
	PhaseCompleted        = "Completed"
	PhasePartiallyFailed  = "PartiallyFailed"
	PhaseFailed           = "Failed"
	PhaseFailedValidation = "FailedValidation"
	PhaseAvailable        = "Available"
	PhaseUnavailable      = "Unavailable"
	PhaseEnabled          = "Enabled"
	PhaseProcessed        = "Processed"
)

// LabelSchedule names the schedule a backup was made by (Velero's label).
const LabelSchedule = "velero.io/schedule-name"

// Spec is the scope of a backup, or of every backup of a schedule: a
// subset of Velero's BackupSpec.
type Spec struct {
	IncludedNamespaces []string              `json:"includedNamespaces,omitempty"`
	ExcludedNamespaces []string              `json:"excludedNamespaces,omitempty"`
	LabelSelector      *metav1.LabelSelector `json:"labelSelector,omitempty"`
	TTL                string                `json:"ttl,omitempty"`
	StorageLocation    string                `json:"storageLocation,omitempty"`
}

// Progress is Velero's item count of a backup or restore.
type Progress struct {
	TotalItems    int64 `json:"totalItems,omitempty"`
	ItemsBackedUp int64 `json:"itemsBackedUp,omitempty"`
	ItemsRestored int64 `json:"itemsRestored,omitempty"`
}

// Backup is the view of a velero.io/v1 Backup.
type Backup struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              Spec `json:"spec"`
	Status            struct {
		RunStatus  `json:",inline"`
		Expiration *metav1.Time `json:"expiration,omitempty"`
	} `json:"status"`
}

// RunStatus is what the status of a Backup and of a Restore share.
type RunStatus struct {
	Phase               string       `json:"phase,omitempty"`
	StartTimestamp      *metav1.Time `json:"startTimestamp,omitempty"`
	CompletionTimestamp *metav1.Time `json:"completionTimestamp,omitempty"`
	Progress            *Progress    `json:"progress,omitempty"`
	Errors              int64        `json:"errors,omitempty"`
	Warnings            int64        `json:"warnings,omitempty"`
	FailureReason       string       `json:"failureReason,omitempty"`
	ValidationErrors    []string     `json:"validationErrors,omitempty"`
}

// Restore is the view of a velero.io/v1 Restore.
type Restore struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		BackupName         string            `json:"backupName,omitempty"`
		ScheduleName       string            `json:"scheduleName,omitempty"`
		IncludedNamespaces []string          `json:"includedNamespaces,omitempty"`
		NamespaceMapping   map[string]string `json:"namespaceMapping,omitempty"`
	} `json:"spec"`
	Status RunStatus `json:"status"`
}

// Schedule is the view of a velero.io/v1 Schedule.
type Schedule struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Schedule string `json:"schedule"`
		Template Spec   `json:"template"`
		Paused   bool   `json:"paused,omitempty"`
	} `json:"spec"`
	Status struct {
		Phase            string       `json:"phase,omitempty"`
		LastBackup       *metav1.Time `json:"lastBackup,omitempty"`
		ValidationErrors []string     `json:"validationErrors,omitempty"`
	} `json:"status"`
}

// Location is the view of a velero.io/v1 BackupStorageLocation. Its
// credential is a reference to a Secret: never its content.
type Location struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Provider      string `json:"provider"`
		ObjectStorage struct {
			Bucket string `json:"bucket"`
			Prefix string `json:"prefix,omitempty"`
			CACert string `json:"caCert,omitempty"`
		} `json:"objectStorage"`
		Config     map[string]string `json:"config,omitempty"`
		Credential *struct {
			Name string `json:"name"`
			Key  string `json:"key"`
		} `json:"credential,omitempty"`
		Default             bool   `json:"default,omitempty"`
		AccessMode          string `json:"accessMode,omitempty"`
		BackupSyncPeriod    string `json:"backupSyncPeriod,omitempty"`
		ValidationFrequency string `json:"validationFrequency,omitempty"`
	} `json:"spec"`
	Status struct {
		Phase              string       `json:"phase,omitempty"`
		LastValidationTime *metav1.Time `json:"lastValidationTime,omitempty"`
		LastSyncedTime     *metav1.Time `json:"lastSyncedTime,omitempty"`
		Message            string       `json:"message,omitempty"`
	} `json:"status"`
}

// Parse reads one of the views from an object.
func Parse[T any](u *unstructured.Unstructured) (*T, error) {
	v := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, v); err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", u.GetKind(), u.GetName(), err)
	}
	return v, nil
}

// Scope says what a backup covers, in TMC's words: the full cluster, a set
// of namespaces, or the objects a label selector picks.
func (s Spec) Scope() string {
	var parts []string
	switch {
	case len(s.IncludedNamespaces) == 0 || (len(s.IncludedNamespaces) == 1 && s.IncludedNamespaces[0] == "*"):
		parts = append(parts, "full cluster")
	default:
		parts = append(parts, "namespaces "+join(s.IncludedNamespaces))
	}
	if s.LabelSelector != nil {
		parts = append(parts, "selector "+metav1.FormatLabelSelector(s.LabelSelector))
	}
	return strings.Join(parts, ", ")
}

// Age renders how long ago t was, kubectl-style; "" for never.
func Age(t *metav1.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return duration.HumanDuration(now.Sub(t.Time))
}

func join(s []string) string { return strings.Join(s, ",") }

// Until renders how long until t ("expired" once past); "" for never.
func Until(t *metav1.Time, now time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	if d := t.Sub(now); d > 0 {
		return duration.HumanDuration(d)
	}
	return "expired"
}
