package backup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// Health is the state of a cluster's backups at a glance.
type Health struct {
	Velero        string       `json:"velero,omitempty"` // the version of Velero's image; "" when its Deployment is not found
	Locations     int          `json:"locations"`
	Available     int          `json:"available"`
	Unavailable   []string     `json:"unavailable,omitempty"`
	LastSuccess   string       `json:"lastSuccess,omitempty"`
	LastSuccessAt *metav1.Time `json:"lastSuccessAt,omitempty"`
	Schedules     int          `json:"schedules"`
	Paused        []string     `json:"paused,omitempty"`
	FailedLastDay []string     `json:"failedLastDay,omitempty"`
	WithinMaxAge  bool         `json:"withinMaxAge"`
}

var deployments = schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}

// ReadHealth reads Velero's locations, backups and schedules in namespace:
// whether a backup Completed within maxAge, which locations are
// Unavailable, which schedules are paused, which backups failed in the
// last day.
func ReadHealth(ctx context.Context, dyn dynamic.Interface, namespace string, now time.Time, maxAge time.Duration) (Health, error) {
	var (
		h                  Health
		deploy             *unstructured.Unstructured
		deployErr          error
		locs               []*unstructured.Unstructured
		backups, schedules *unstructured.UnstructuredList
	)
	// The four reads go at once: a far cluster costs one round trip.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		deploy, deployErr = dyn.Resource(deployments).Namespace(namespace).Get(gctx, "velero", metav1.GetOptions{})
		return nil
	})
	g.Go(func() (err error) { locs, err = ListLocations(gctx, dyn, namespace); return err })
	g.Go(func() (err error) {
		if backups, err = dyn.Resource(Backups).Namespace(namespace).List(gctx, metav1.ListOptions{}); err != nil {
			return fmt.Errorf("listing backups: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if schedules, err = dyn.Resource(Schedules).Namespace(namespace).List(gctx, metav1.ListOptions{}); err != nil {
			return fmt.Errorf("listing schedules: %w", err)
		}
		return nil
	})
	werr := g.Wait()
	if deployErr == nil {
		h.Velero = imageTag(deploy)
	} else if !apierrors.IsNotFound(deployErr) && !apierrors.IsForbidden(deployErr) && werr == nil {
		return h, fmt.Errorf("reading Velero's Deployment: %w", deployErr)
	}
	if werr != nil {
		return h, werr
	}
	for _, u := range locs {
		l, err := Parse[Location](u)
		if err != nil {
			return h, err
		}
		h.Locations++
		switch l.Status.Phase {
		case PhaseAvailable:
			h.Available++
		case PhaseUnavailable:
			h.Unavailable = append(h.Unavailable, l.Name)
		}
	}
	for i := range backups.Items {
		b, err := Parse[Backup](&backups.Items[i])
		if err != nil {
			return h, err
		}
		st := b.Status
		switch st.Phase {
		case PhaseCompleted:
			if at := st.CompletionTimestamp; at != nil && (h.LastSuccessAt == nil || at.After(h.LastSuccessAt.Time)) {
				h.LastSuccess, h.LastSuccessAt = b.Name, at
			}
		case PhaseFailed, PhasePartiallyFailed, PhaseFailedValidation:
			at := st.CompletionTimestamp
			if at == nil {
				at = &b.CreationTimestamp
			}
			if now.Sub(at.Time) <= 24*time.Hour {
				h.FailedLastDay = append(h.FailedLastDay, b.Name)
			}
		}
	}
	for _, s := range schedules.Items {
		h.Schedules++
		if paused, _, _ := unstructured.NestedBool(s.Object, "spec", "paused"); paused {
			h.Paused = append(h.Paused, s.GetName())
		}
	}
	h.WithinMaxAge = h.LastSuccessAt != nil && now.Sub(h.LastSuccessAt.Time) <= maxAge
	return h, nil
}

func imageTag(d *unstructured.Unstructured) string {
	containers, _, _ := unstructured.NestedSlice(d.Object, "spec", "template", "spec", "containers")
	for _, c := range containers {
		m, _ := c.(map[string]any)
		if m["name"] != "velero" {
			continue
		}
		image, _ := m["image"].(string)
		if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
			return image[i+1:]
		}
		return image
	}
	return ""
}

// NewestOfSchedule is the newest backup a schedule made (Velero labels them
// with its name), nil when it made none yet.
func NewestOfSchedule(namespace, schedule string, backups []*Backup) *Backup {
	var newest *Backup
	for _, b := range backups {
		if b.Namespace != namespace || b.Labels[LabelSchedule] != schedule {
			continue
		}
		if newest == nil || b.CreationTimestamp.After(newest.CreationTimestamp.Time) ||
			(b.CreationTimestamp.Equal(&newest.CreationTimestamp) && b.Name > newest.Name) {
			newest = b
		}
	}
	return newest
}
