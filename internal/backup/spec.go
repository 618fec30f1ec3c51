package backup

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/vmware-tanzu-labs/kubectl-tko/internal/errs"
)

// ScopeOptions are what a user says about the scope of a backup.
type ScopeOptions struct {
	IncludeNamespaces []string // none: the full cluster
	ExcludeNamespaces []string // added to Excluded
	Selector          string   // a label selector over the objects
	TTL               time.Duration
	Location          string // "" for Velero's default location
}

// ExcludedError is a namespace TMC's rules never back up, asked for.
type ExcludedError struct{ Namespace string }

func (e *ExcludedError) Error() string {
	return fmt.Sprintf("namespace %s is never backed up (excluded: %s)", e.Namespace, strings.Join(Excluded, ", "))
}

// Class implements errs.Classed.
func (e *ExcludedError) Class() errs.Class { return errs.ClassInvalid }

// SpecFor turns the user's scope into Velero's fields: the excluded
// namespaces always, the selector parsed, the TTL in Go's duration text.
func SpecFor(o ScopeOptions) (Spec, error) {
	s := Spec{StorageLocation: o.Location}
	for _, ns := range o.IncludeNamespaces {
		if slices.Contains(Excluded, ns) {
			return s, &ExcludedError{Namespace: ns}
		}
		if ns != "*" {
			if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
				return s, errs.Invalidf("namespace %q: %s", ns, msgs[0])
			}
		}
	}
	s.IncludedNamespaces = slices.Clone(o.IncludeNamespaces)
	s.ExcludedNamespaces = append(slices.Clone(Excluded), o.ExcludeNamespaces...)
	sort.Strings(s.ExcludedNamespaces)
	s.ExcludedNamespaces = slices.Compact(s.ExcludedNamespaces)
	if o.Selector != "" {
		sel, err := metav1.ParseToLabelSelector(o.Selector)
		if err != nil {
			return s, errs.Invalidf("label selector %q: %v", o.Selector, err)
		}
		s.LabelSelector = sel
	}
	if o.TTL < 0 {
		return s, errs.Invalidf("a TTL cannot be negative")
	}
	if o.TTL > 0 {
		s.TTL = o.TTL.String()
	}
	return s, nil
}

func object(kind, namespace, name string, labels map[string]string, spec any) (*unstructured.Unstructured, error) {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&struct {
		Spec any `json:"spec"`
	}{spec})
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", kind, name, err)
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion(Group + "/v1")
	u.SetKind(kind)
	u.SetNamespace(namespace)
	u.SetName(name)
	if len(labels) > 0 {
		u.SetLabels(labels)
	}
	return u, nil
}

// NewBackup builds a Backup.
func NewBackup(namespace, name string, spec Spec) (*unstructured.Unstructured, error) {
	return object("Backup", namespace, name, nil, spec)
}

// CronError is a schedule Velero would refuse.
type CronError struct {
	Expr string
	Err  error
}

func (e *CronError) Error() string {
	return fmt.Sprintf("invalid cron expression %q: %v (five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\"; or @daily, @every 6h)", e.Expr, e.Err)
}

// Class implements errs.Classed.
func (e *CronError) Class() errs.Class { return errs.ClassInvalid }

// ParseCron checks a schedule with the parser Velero uses (robfig/cron's
// standard five fields and descriptors).
func ParseCron(expr string) error {
	if _, err := cron.ParseStandard(expr); err != nil {
		return &CronError{Expr: expr, Err: err}
	}
	return nil
}

// NewSchedule builds a Schedule whose backups have the given scope.
func NewSchedule(namespace, name, cronExpr string, spec Spec, paused bool) (*unstructured.Unstructured, error) {
	if err := ParseCron(cronExpr); err != nil {
		return nil, err
	}
	return object("Schedule", namespace, name, nil, map[string]any{"schedule": cronExpr, "template": spec, "paused": paused})
}

// RestoreOptions are what a user says about a restore.
type RestoreOptions struct {
	Backup            string
	IncludeNamespaces []string
	Mappings          []string // old:new
}

// ParseMappings reads old:new namespace mappings: each old namespace once,
// no two onto the same new one, none onto itself or onto an excluded one.
func ParseMappings(list []string) (map[string]string, error) {
	out := map[string]string{}
	target := map[string]string{}
	for _, m := range list {
		from, to, ok := strings.Cut(m, ":")
		if !ok || from == "" || to == "" {
			return nil, errs.Invalidf("namespace mapping %q: expected OLD:NEW", m)
		}
		if msgs := validation.IsDNS1123Label(to); len(msgs) > 0 {
			return nil, errs.Invalidf("namespace mapping %q: %s: %s", m, to, msgs[0])
		}
		switch {
		case from == to:
			return nil, errs.Invalidf("namespace mapping %q maps a namespace onto itself", m)
		case out[from] != "":
			return nil, errs.Invalidf("namespace %s is mapped twice (to %s and %s)", from, out[from], to)
		case target[to] != "":
			return nil, errs.Invalidf("namespace mappings collide: %s and %s both map to %s", target[to], from, to)
		case slices.Contains(Excluded, to):
			return nil, &ExcludedError{Namespace: to}
		}
		out[from], target[to] = to, from
	}
	return out, nil
}

// NewRestore builds a Restore of a backup.
func NewRestore(namespace, name string, o RestoreOptions) (*unstructured.Unstructured, error) {
	mappings, err := ParseMappings(o.Mappings)
	if err != nil {
		return nil, err
	}
	spec := map[string]any{"backupName": o.Backup}
	if len(o.IncludeNamespaces) > 0 {
		spec["includedNamespaces"] = o.IncludeNamespaces
	}
	if len(mappings) > 0 {
		spec["namespaceMapping"] = mappings
	}
	return object("Restore", namespace, name, nil, spec)
}

// GeneratedName is a name for an object made from another at a time, as
// Velero names them: backup-20060102150405.
func GeneratedName(prefix string, now time.Time) string {
	return prefix + "-" + now.UTC().Format("20060102150405")
}
